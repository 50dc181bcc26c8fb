using System.Security.Cryptography;
using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// The map side of a sharded dedup's reduce steps: each key shard's samples grouped into as many
/// partitions as there are shards (<c>OUTPUT/keys/IIIII-of-NNNNN/partitions.bin</c>, beside
/// <see cref="KeyShardFile"/>), so the reduce step of partition p reads only section p of every
/// shard's file. A sample goes to the partition of its exact key, or of its source when the
/// near searches run within each source: either way every cluster the reduce step must see lies
/// in one partition.
/// </summary>
/// <remarks>
/// The file: a magic string, the dedup parameters, the position of the table; then the sections,
/// partition after partition, each in the shard's input order; then the table: the shard's sample
/// count, the partition count, each partition's sample count, the start of every section and the
/// end of the last, and the names of the files the samples were read from. An entry: the
/// sample's ordinal in its shard, the index of its file, and its key as <see cref="KeyShardFile"/>
/// writes one (with the signature when it was given one).
/// </remarks>
internal static class KeyPartitions
{
    public const string FileName = "partitions.bin";
    private const string Magic = "mmforge-dedup-partitions/1";

    /// <summary>The partition of an exact key: its low 64 bits (SHA-256 bits, evenly spread) modulo the count.</summary>
    public static int OfExactKey(UInt128 exact, int partitions) => (int)((ulong)exact % (uint)partitions);

    /// <summary>The partition of a source: a hash of its name that every process computes alike (string hash codes differ per process).</summary>
    public static int OfSource(string source, int partitions) =>
        (int)(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(source))) % (uint)partitions);

    /// <summary>
    /// Writes a shard's samples as they come (in input order) to a temporary file beside the final
    /// one, remembering only where each starts and its partition (12 bytes a sample), then copies
    /// them section by section into the final file from a memory map of the temporary one (a read
    /// call per entry would double the step's system time).
    /// </summary>
    public sealed class Writer(string path, string parameters, int partitions, Func<KeyedSample, int> partitionOf, int permutations) : IDisposable
    {
        private readonly string _unsorted = path + ".unsorted";
        private readonly List<long> _starts = [];
        private readonly List<int> _partitions = [];
        private readonly Dictionary<string, int> _fileNumbers = new(StringComparer.Ordinal);
        private BinaryWriter? _entries;

        public void Add(KeyedSample keyed)
        {
            var entries = Entries();
            _starts.Add(entries.BaseStream.Position);
            _partitions.Add(partitionOf(keyed));
            if (!_fileNumbers.TryGetValue(keyed.File, out var file)) _fileNumbers[keyed.File] = file = _fileNumbers.Count;
            entries.Write((long)(_starts.Count - 1));
            entries.Write(file);
            KeyShardFile.WriteKey(entries, keyed, permutations);
        }

        /// <summary>Writes the sectioned file and removes the temporary one.</summary>
        public void Complete()
        {
            var entries = Entries();
            _starts.Add(entries.BaseStream.Position);
            entries.Dispose();
            using (var unsorted = new FileStream(_unsorted, FileMode.Open, FileAccess.Read))
            using (var mapped = unsorted.Length > 0 ? new MappedRecords<byte>(unsorted, 1) : null)
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(parameters);
                var tablePosition = stream.Position;
                writer.Write(0L);
                var (counts, sections) = (new long[partitions], new long[partitions + 1]);
                foreach (var (partition, members) in InPartitionOrder())
                {
                    sections[partition] = stream.Position;
                    counts[partition] = members.Count;
                    foreach (var entry in members) stream.Write(mapped!.Values(_starts[entry], (int)(_starts[entry + 1] - _starts[entry])));
                    sections[partition + 1] = stream.Position;
                }
                var table = stream.Position;
                writer.Write((long)(_starts.Count - 1));
                writer.Write(partitions);
                foreach (var count in counts) writer.Write(count);
                foreach (var start in sections) writer.Write(start);
                writer.Write(_fileNumbers.Count);
                foreach (var file in _fileNumbers.OrderBy(f => f.Value)) writer.Write(file.Key);
                stream.Position = tablePosition;
                writer.Write(table);
            }
            File.Delete(_unsorted);
        }

        public void Dispose()
        {
            _entries?.Dispose();
            File.Delete(_unsorted);
        }

        private BinaryWriter Entries() =>
            _entries ??= new BinaryWriter(new FileStream(_unsorted, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8);

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
    }

    /// <summary>What a shard's file says of itself: how many samples the shard keyed, how many each partition holds, where each starts, and the files.</summary>
    public sealed record Table(long Samples, long[] Counts, long[] Sections, string[] Files);

    /// <summary>The parameters a complete file was written with, or null when there is none.</summary>
    public static string? ParametersOf(string path) => BinaryHeader.ParametersOf(path, Magic);

    public static Table ReadTable(string path)
    {
        using var reader = Open(path);
        reader.BaseStream.Position = reader.ReadInt64();
        var samples = reader.ReadInt64();
        var counts = new long[reader.ReadInt32()];
        for (var i = 0; i < counts.Length; i++) counts[i] = reader.ReadInt64();
        var sections = new long[counts.Length + 1];
        for (var i = 0; i < sections.Length; i++) sections[i] = reader.ReadInt64();
        var files = new string[reader.ReadInt32()];
        for (var i = 0; i < files.Length; i++) files[i] = reader.ReadString();
        return new Table(samples, counts, sections, files);
    }

    /// <summary>The samples of one partition of the file whose table is <paramref name="table"/>, in the shard's input order, each with its ordinal in the shard.</summary>
    public static IEnumerable<(KeyedSample Sample, long ShardOrdinal)> Read(string path, Table table, int partition, int permutations)
    {
        if (partition >= table.Counts.Length)
            throw new InvalidDataException($"{path} holds {table.Counts.Length} partitions, not partition {partition}: it was written for another shard count");
        using var reader = Open(path);
        reader.BaseStream.Position = table.Sections[partition];
        while (reader.BaseStream.Position < table.Sections[partition + 1])
        {
            var ordinal = reader.ReadInt64();
            var file = table.Files[reader.ReadInt32()];
            yield return (KeyShardFile.ReadKey(reader, file, permutations), ordinal);
        }
    }

    /// <summary>
    /// Partition <paramref name="partition"/> of every shard's file (<paramref name="files"/>, in
    /// shard order, with their <paramref name="tables"/>) in input order, each sample with its
    /// ordinal in the whole input: the samples of the shards before its own, then its place in its shard.
    /// </summary>
    public static IEnumerable<(KeyedSample Sample, int Ordinal)> InInputOrder(IReadOnlyList<string> files, IReadOnlyList<Table> tables, int partition, int permutations)
    {
        long first = 0;
        for (var shard = 0; shard < files.Count; shard++)
        {
            foreach (var (sample, ordinal) in Read(files[shard], tables[shard], partition, permutations))
                yield return (sample, checked((int)(first + ordinal)));
            first += tables[shard].Samples;
        }
    }

    /// <summary>The file opened after its header, positioned at the table's position.</summary>
    private static BinaryReader Open(string path)
    {
        var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
        if (reader.ReadString() != Magic)
        {
            reader.Dispose();
            throw new InvalidDataException($"{path} is not an mmforge dedup key partition file");
        }
        reader.ReadString();
        return reader;
    }
}
