using System.Buffers;
using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// The keys one shard's key pass found (<c>dedup --phase keys --shard I/N</c>), in the shard's
/// input order, for the decide step to merge: a binary file of the <see cref="KeyedSample"/>s
/// (key, id, source, place in the input, signature) behind a header naming the format and the
/// dedup parameters they were made with, ended by an end mark. Its shard folder is written under
/// a temporary name and moved into place when the file is complete (<see cref="KeyShards"/>).
/// </summary>
internal static class KeyShardFile
{
    public const string FileName = "keys.bin";
    private const string Magic = "mmforge-dedup-keys/1";
    private const byte KeyTag = 1, FileTag = 2, EndTag = 0;

    /// <summary>Writes the keys <paramref name="fill"/> hands to its writer into <paramref name="path"/> (their signatures stay the caller's).</summary>
    public static void Write(string path, string parameters, int permutations, Action<Action<KeyedSample>> fill)
    {
        using (var writer = new BinaryWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(parameters);
            string? current = null;
            fill(keyed =>
            {
                if (keyed.File != current)
                {
                    writer.Write(FileTag);
                    writer.Write(current = keyed.File);
                }
                writer.Write(KeyTag);
                WriteKey(writer, keyed, permutations);
            });
            writer.Write(EndTag);
        }
    }

    /// <summary>The parameters a complete key file was written with, or null when there is none at <paramref name="path"/>.</summary>
    public static string? ParametersOf(string path) => BinaryHeader.ParametersOf(path, Magic);

    /// <summary>The keys of a complete file, in the order written; signatures rented from the shared pool.</summary>
    public static IEnumerable<KeyedSample> Read(string path, int permutations)
    {
        using var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
        if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not an mmforge dedup key file");
        reader.ReadString();
        var file = "";
        while (true)
        {
            switch (reader.ReadByte())
            {
                case EndTag: yield break;
                case FileTag: file = reader.ReadString(); break;
                case KeyTag: yield return ReadKey(reader, file, permutations); break;
                case var tag: throw new InvalidDataException($"{path}: unknown entry {tag} at byte {reader.BaseStream.Position - 1}");
            }
        }
    }

    /// <summary>One sample's key, id, source, place and signature (when it has one; the caller gives the signature back to its pool).</summary>
    internal static void WriteKey(BinaryWriter writer, KeyedSample keyed, int permutations)
    {
        var key = keyed.Key;
        writer.Write(keyed.SourceNumber);
        writer.Write(keyed.RecordNumber);
        writer.Write((ulong)(key.Exact >> 64));
        writer.Write((ulong)key.Exact);
        writer.Write(key.Phash);
        writer.Write((byte)((key.HasPhash ? 1 : 0) | (key.HasText ? 2 : 0)));
        writer.Write(key.Loss);
        writer.Write(key.Pixels);
        writer.Write(key.Offset);
        writer.Write(keyed.Id);
        writer.Write(keyed.Source);
        writer.Write(keyed.Signature is null ? (byte)0 : (byte)1);
        if (keyed.Signature is { } signature)
            foreach (var value in signature.AsSpan(0, permutations)) writer.Write(value);
    }

    /// <summary>What <see cref="WriteKey"/> wrote, read from <paramref name="file"/>; the signature rented from the shared pool.</summary>
    internal static KeyedSample ReadKey(BinaryReader reader, string file, int permutations)
    {
        var (sourceNumber, recordNumber) = (reader.ReadInt32(), reader.ReadInt64());
        var exact = new UInt128(reader.ReadUInt64(), reader.ReadUInt64());
        var phash = reader.ReadUInt64();
        var flags = reader.ReadByte();
        var (loss, pixels, offset) = (reader.ReadSingle(), reader.ReadInt32(), reader.ReadInt64());
        var (id, source) = (reader.ReadString(), reader.ReadString());
        uint[]? signature = null;
        if (reader.ReadByte() == 1)
        {
            signature = ArrayPool<uint>.Shared.Rent(permutations);
            for (var i = 0; i < permutations; i++) signature[i] = reader.ReadUInt32();
        }
        var key = new SampleKey(exact, phash, (flags & 1) != 0, (flags & 2) != 0, 0, loss, pixels, offset);
        return new KeyedSample(key, id, source, file, sourceNumber, recordNumber, signature);
    }
}
