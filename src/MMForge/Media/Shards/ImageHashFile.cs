using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MMForge.Media.Shards;

/// <summary>
/// One image file's hash as an image shard recorded it: the file's path key and the size and
/// modification time it had when hashed (a lookup trusts the entry only while they still hold).
/// </summary>
public readonly record struct ImageHashEntry(UInt128 Key, long Length, long ModifiedTicks, HashedImage Image);

/// <summary>
/// The hashes one image shard made (<c>hash --phase images --shard I/N</c>), for the record
/// shards to look up: a header (format, the hash parameters they were made with, the strings the
/// entries name: formats and failure messages), the entries sorted by path key at a fixed
/// <see cref="EntrySize"/>, and a sparse index of every <see cref="BlockSize"/>-th key, so a
/// lookup reads one block from disk whatever the file's size and memory stays at 16 bytes per
/// block. Its shard folder is moved into place only when the file is complete.
/// </summary>
public static class ImageHashFile
{
    public const string FileName = "images.bin";
    private const string Magic = "mmforge-image-hashes/1";
    internal const int EntrySize = 96, BlockSize = 64;
    private const byte HasSha = 1;

    /// <summary>Writes <paramref name="entries"/> (any order) to <paramref name="path"/>.</summary>
    public static void Write(string path, string parameters, List<ImageHashEntry> entries)
    {
        entries.Sort((a, b) => a.Key.CompareTo(b.Key));
        var strings = new List<string>();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        int Number(string? text)
        {
            if (text is null) return -1;
            if (!numbers.TryGetValue(text, out var number)) { numbers[text] = number = strings.Count; strings.Add(text); }
            return number;
        }
        var fixedEntries = new byte[entries.Count * EntrySize];
        for (var i = 0; i < entries.Count; i++) Encode(entries[i], fixedEntries.AsSpan(i * EntrySize, EntrySize), Number);

        using var writer = new BinaryWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(parameters);
        writer.Write(strings.Count);
        foreach (var text in strings) writer.Write(text);
        writer.Write(entries.Count);
        writer.Flush();
        var entriesAt = writer.BaseStream.Position;
        writer.Write(fixedEntries);
        for (var i = 0; i < entries.Count; i += BlockSize) WriteKey(writer, entries[i].Key);
        writer.Write(entriesAt);
    }

    /// <summary>The parameters a complete file was written with, or null when there is none at <paramref name="path"/>.</summary>
    public static string? ParametersOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return reader.ReadString() == Magic ? reader.ReadString() : null;
    }

    private static void Encode(ImageHashEntry entry, Span<byte> at, Func<string?, int> number)
    {
        var image = entry.Image;
        BinaryPrimitives.WriteUInt64LittleEndian(at, (ulong)(entry.Key >> 64));
        BinaryPrimitives.WriteUInt64LittleEndian(at[8..], (ulong)entry.Key);
        BinaryPrimitives.WriteInt64LittleEndian(at[16..], entry.Length);
        BinaryPrimitives.WriteInt64LittleEndian(at[24..], entry.ModifiedTicks);
        if (image.Sha256 is { } sha) Convert.FromHexString(sha, at.Slice(32, 32), out _, out _);
        BinaryPrimitives.WriteUInt64LittleEndian(at[64..], image.Result.Phash);
        BinaryPrimitives.WriteInt32LittleEndian(at[72..], image.Result.Width);
        BinaryPrimitives.WriteInt32LittleEndian(at[76..], image.Result.Height);
        BinaryPrimitives.WriteInt32LittleEndian(at[80..], number(image.Result.Format));
        BinaryPrimitives.WriteInt32LittleEndian(at[84..], number(image.Message));
        at[88] = image.Failure is { } failure ? (byte)((int)failure + 1) : (byte)0;
        at[89] = image.Sha256 is null ? (byte)0 : HasSha;
    }

    private static void WriteKey(BinaryWriter writer, UInt128 key)
    {
        writer.Write((ulong)(key >> 64));
        writer.Write((ulong)key);
    }

    /// <summary>An open image hash file: its strings and sparse index in memory, the entries read block by block.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly SafeFileHandle _file;
        private readonly string[] _strings;
        private readonly UInt128[] _blockKeys;
        private readonly long _entriesAt;
        private readonly int _count;
        private readonly ThreadLocal<byte[]> _blocks = new(() => new byte[BlockSize * EntrySize]);

        public string Parameters { get; }

        public Reader(string path)
        {
            using (var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8))
            {
                if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not an mmforge image hash file");
                Parameters = reader.ReadString();
                _strings = new string[reader.ReadInt32()];
                for (var i = 0; i < _strings.Length; i++) _strings[i] = reader.ReadString();
                _count = reader.ReadInt32();
                _entriesAt = reader.BaseStream.Position;
                reader.BaseStream.Position = _entriesAt + (long)_count * EntrySize;
                _blockKeys = new UInt128[(_count + BlockSize - 1) / BlockSize];
                for (var i = 0; i < _blockKeys.Length; i++) _blockKeys[i] = new UInt128(reader.ReadUInt64(), reader.ReadUInt64());
                if (reader.ReadInt64() != _entriesAt) throw new InvalidDataException($"{path} is damaged: its index does not point at its entries");
            }
            _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }

        /// <summary>The entry of <paramref name="key"/>, or null when this file has none.</summary>
        public ImageHashEntry? Find(UInt128 key)
        {
            var block = Array.BinarySearch(_blockKeys, key);
            if (block < 0) block = ~block - 1;
            if (block < 0) return null;
            var first = block * BlockSize;
            var count = Math.Min(BlockSize, _count - first);
            var bytes = _blocks.Value!.AsSpan(0, count * EntrySize);
            if (RandomAccess.Read(_file, bytes, _entriesAt + (long)first * EntrySize) != bytes.Length)
                throw new InvalidDataException($"image hash file ended early (block {block})");
            int low = 0, high = count - 1;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                var at = bytes.Slice(middle * EntrySize, EntrySize);
                var found = new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(at), BinaryPrimitives.ReadUInt64LittleEndian(at[8..]));
                if (found == key) return Decode(at, key);
                if (found < key) low = middle + 1;
                else high = middle - 1;
            }
            return null;
        }

        private ImageHashEntry Decode(ReadOnlySpan<byte> at, UInt128 key)
        {
            var result = new PhashResult(BinaryPrimitives.ReadUInt64LittleEndian(at[64..]), BinaryPrimitives.ReadInt32LittleEndian(at[72..]),
                BinaryPrimitives.ReadInt32LittleEndian(at[76..]), Text(at[80..])!);
            var image = new HashedImage((at[89] & HasSha) != 0 ? Convert.ToHexStringLower(at.Slice(32, 32)) : null, result,
                at[88] == 0 ? null : (DecodeFailure)(at[88] - 1), Text(at[84..]));
            return new ImageHashEntry(key, BinaryPrimitives.ReadInt64LittleEndian(at[16..]), BinaryPrimitives.ReadInt64LittleEndian(at[24..]), image);
        }

        /// <summary>The string an entry's field refers to by number; -1 is none.</summary>
        private string? Text(ReadOnlySpan<byte> field) => BinaryPrimitives.ReadInt32LittleEndian(field) is var n and >= 0 ? _strings[n] : null;

        public void Dispose()
        {
            _file.Dispose();
            _blocks.Dispose();
        }
    }
}
