using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MMForge.Dedup;

/// <summary>One sample as an exact-key partition holds it: its key, its ordinal in its key shard, what chooses the kept duplicate, and its names.</summary>
internal readonly record struct ExactEntry(UInt128 Exact, long ShardOrdinal, MemberKey Member, string File, string Id, string Source);

/// <summary>
/// The map side of dedup's exact search across shards: each key shard's samples grouped by a
/// partition of their exact key (<c>OUTPUT/keys/IIIII-of-NNNNN/exact.bin</c>, beside
/// <see cref="KeyShardFile"/>), so the reduce step of partition p (<see cref="ExactReduce"/>) reads
/// only section p of every shard's file. Equal keys always share a partition, so every exact
/// cluster lies in one.
/// </summary>
/// <remarks>
/// The file: a magic string, the dedup parameters, the position of the table; then the sections,
/// partition after partition, each in the shard's input order; then the table: the shard's sample
/// count, the partition count, the start of every section and the end of the last, and the
/// names of the files the samples were read from (entries give an index into them).
/// An entry: the exact key (two 64-bit halves), the ordinal in the shard, loss, pixels, byte
/// offset, file index, id and source.
/// </remarks>
internal static class ExactKeyPartitions
{
    public const string FileName = "exact.bin";
    private const string Magic = "mmforge-dedup-exact/1";

    /// <summary>The partition of a key: its low 64 bits (SHA-256 bits, evenly spread) modulo the count.</summary>
    public static int PartitionOf(UInt128 exact, int partitions) => (int)((ulong)exact % (uint)partitions);

    /// <summary>
    /// Writes a shard's entries as they come (in input order) to a temporary file beside the
    /// final one, remembering only where each starts and its partition (12 bytes a sample), then
    /// copies them section by section into the final file.
    /// </summary>
    public sealed class Writer(string path, string parameters, int partitions) : IDisposable
    {
        private readonly string _unsorted = path + ".unsorted";
        private readonly List<long> _starts = [];
        private readonly List<int> _partitions = [];
        private readonly Dictionary<string, int> _fileNumbers = new(StringComparer.Ordinal);
        private BinaryWriter? _entries;

        public void Add(KeyedSample keyed)
        {
            _entries ??= new BinaryWriter(new FileStream(_unsorted, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8);
            _starts.Add(_entries.BaseStream.Position);
            _partitions.Add(PartitionOf(keyed.Key.Exact, partitions));
            if (!_fileNumbers.TryGetValue(keyed.File, out var file)) _fileNumbers[keyed.File] = file = _fileNumbers.Count;
            var key = keyed.Key;
            _entries.Write((ulong)(key.Exact >> 64));
            _entries.Write((ulong)key.Exact);
            _entries.Write((long)(_starts.Count - 1));
            _entries.Write(key.Loss);
            _entries.Write(key.Pixels);
            _entries.Write(key.Offset);
            _entries.Write(file);
            _entries.Write(keyed.Id);
            _entries.Write(keyed.Source);
        }

        /// <summary>Writes the sectioned file and removes the temporary one.</summary>
        public void Complete()
        {
            _entries ??= new BinaryWriter(new FileStream(_unsorted, FileMode.Create, FileAccess.Write, FileShare.None), Encoding.UTF8);
            _starts.Add(_entries.BaseStream.Position);
            _entries.Dispose();
            using var unsorted = File.OpenHandle(_unsorted);
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            using var writer = new BinaryWriter(stream, Encoding.UTF8);
            writer.Write(Magic);
            writer.Write(parameters);
            var tablePosition = stream.Position;
            writer.Write(0L);
            var sections = new long[partitions + 1];
            var buffer = new byte[256];
            foreach (var (partition, entries) in InPartitionOrder())
            {
                sections[partition] = stream.Position;
                foreach (var entry in entries) CopyEntry(unsorted, entry, stream, ref buffer);
                sections[partition + 1] = stream.Position;
            }
            var table = stream.Position;
            writer.Write((long)(_starts.Count - 1));
            writer.Write(partitions);
            foreach (var start in sections) writer.Write(start);
            writer.Write(_fileNumbers.Count);
            foreach (var file in _fileNumbers.OrderBy(f => f.Value)) writer.Write(file.Key);
            stream.Position = tablePosition;
            writer.Write(table);
            unsorted.Dispose();
            File.Delete(_unsorted);
        }

        public void Dispose()
        {
            _entries?.Dispose();
            File.Delete(_unsorted);
        }

        /// <summary>Every partition with its entries in input order (a stable counting sort of the entry numbers).</summary>
        private IEnumerable<(int Partition, ArraySegment<int> Entries)> InPartitionOrder()
        {
            var bounds = new int[partitions + 1];
            foreach (var partition in _partitions) bounds[partition + 1]++;
            for (var p = 1; p <= partitions; p++) bounds[p] += bounds[p - 1];
            var order = new int[_partitions.Count];
            var next = bounds[..^1];
            for (var i = 0; i < _partitions.Count; i++) order[next[_partitions[i]]++] = i;
            for (var p = 0; p < partitions; p++) yield return (p, new ArraySegment<int>(order, bounds[p], bounds[p + 1] - bounds[p]));
        }

        private void CopyEntry(SafeFileHandle unsorted, int entry, Stream into, ref byte[] buffer)
        {
            var length = (int)(_starts[entry + 1] - _starts[entry]);
            if (buffer.Length < length) buffer = new byte[Math.Max(length, 2 * buffer.Length)];
            RandomAccess.Read(unsorted, buffer.AsSpan(0, length), _starts[entry]);
            into.Write(buffer, 0, length);
        }
    }

    /// <summary>What a shard's file says of itself: how many samples the shard keyed, how many partitions it holds, where each starts.</summary>
    public sealed record Table(long Samples, long[] Sections, string[] Files);

    /// <summary>The parameters a complete file was written with, or null when there is none.</summary>
    public static string? ParametersOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return reader.ReadString() == Magic ? reader.ReadString() : null;
    }

    public static Table ReadTable(string path)
    {
        using var reader = Open(path);
        reader.BaseStream.Position = reader.ReadInt64();
        var samples = reader.ReadInt64();
        var sections = new long[reader.ReadInt32() + 1];
        for (var i = 0; i < sections.Length; i++) sections[i] = reader.ReadInt64();
        var files = new string[reader.ReadInt32()];
        for (var i = 0; i < files.Length; i++) files[i] = reader.ReadString();
        return new Table(samples, sections, files);
    }

    /// <summary>The entries of one partition of the file whose table is <paramref name="table"/>, in the shard's input order.</summary>
    public static IEnumerable<ExactEntry> Read(string path, Table table, int partition)
    {
        if (table.Sections.Length - 1 is var partitions && partition >= partitions)
            throw new InvalidDataException($"{path} holds {partitions} partitions, not partition {partition}: it was written for another shard count");
        using var reader = Open(path);
        reader.BaseStream.Position = table.Sections[partition];
        while (reader.BaseStream.Position < table.Sections[partition + 1])
        {
            var exact = new UInt128(reader.ReadUInt64(), reader.ReadUInt64());
            var ordinal = reader.ReadInt64();
            var member = new MemberKey(reader.ReadSingle(), reader.ReadInt32(), reader.ReadInt64());
            var file = table.Files[reader.ReadInt32()];
            yield return new ExactEntry(exact, ordinal, member, file, reader.ReadString(), reader.ReadString());
        }
    }

    /// <summary>The file opened after its header, positioned at the table's position.</summary>
    private static BinaryReader Open(string path)
    {
        var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
        if (reader.ReadString() != Magic)
        {
            reader.Dispose();
            throw new InvalidDataException($"{path} is not an mmforge dedup exact-key partition file");
        }
        reader.ReadString();
        return reader;
    }
}
