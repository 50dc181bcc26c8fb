using System.Buffers;

namespace MMForge.Dedup;

/// <summary>
/// The key files of a sharded dedup (<c>OUTPUT/keys/IIIII-of-NNNNN/keys.bin</c>) read back as one
/// stream in input order: each file is in its shard's input order, so a k-way merge on (source
/// number, record number) gives the samples in exactly the order one process reads them, and
/// the decisions taken on them are the one-process decisions.
/// </summary>
internal static class KeyShards
{
    public const string Folder = Pipeline.ShardSpec.KeysFolder;

    public static string FileOf(string stageOutput, Pipeline.ShardSpec shard) => Pipeline.KeyShardFiles.FileOf(stageOutput, shard, KeyShardFile.FileName);

    /// <summary>
    /// Writes a shard's key file as <see cref="KeyShardFile.Write"/> does, and the same samples
    /// grouped into one partition per shard by <paramref name="partitionOf"/>
    /// (<see cref="KeyPartitions"/>), in its shard folder (<see cref="Pipeline.KeyShardFiles"/>).
    /// The MinHash signatures go where they are read: to the partitions when their reduce steps
    /// decide (<paramref name="partitionsDecide"/>), else to the key file for the decide step.
    /// With <paramref name="linksBeside"/> (near matches across sources), the samples also go to
    /// the <see cref="KeyLinks"/> it opens beside the key file.
    /// </summary>
    public static void Write(string stageOutput, Pipeline.ShardSpec shard, string parameters, int permutations, bool partitionsDecide,
        Func<KeyedSample, int> partitionOf, Func<string, KeyLinks>? linksBeside, Action<Action<KeyedSample>> fill) =>
        Pipeline.KeyShardFiles.Write(stageOutput, shard, KeyShardFile.FileName, path =>
        {
            using var partitions = new KeyPartitions.Writer(Beside(path, KeyPartitions.FileName), parameters, shard.Count, partitionOf, permutations);
            using var links = linksBeside?.Invoke(path);
            var shardOrdinal = 0;
            KeyShardFile.Write(path, parameters, permutations, add => fill(keyed =>
            {
                var unsigned = keyed.Signature is null ? keyed : keyed with { Signature = null };
                partitions.Add(partitionsDecide ? keyed : unsigned);
                links?.Add(shardOrdinal++, keyed);
                add(partitionsDecide ? unsigned : keyed);
                if (keyed.Signature is { } signature) ArrayPool<uint>.Shared.Return(signature);
            }));
            partitions.Complete();
            links?.Complete();
        });

    /// <summary>Whether <paramref name="shard"/>'s key folder holds its key and partition files, made with <paramref name="parameters"/>.</summary>
    public static bool Written(string stageOutput, Pipeline.ShardSpec shard, string parameters) =>
        KeyShardFile.ParametersOf(FileOf(stageOutput, shard)) == parameters && KeyPartitions.ParametersOf(Beside(FileOf(stageOutput, shard), KeyPartitions.FileName)) == parameters;

    /// <summary>The file named <paramref name="fileName"/> in the folder of the key file <paramref name="keyFile"/>.</summary>
    public static string Beside(string keyFile, string fileName) => Path.Combine(Path.GetDirectoryName(keyFile)!, fileName);

    /// <summary>The complete key files of every shard of one count, in shard order; refused while any is missing or was made with other parameters.</summary>
    public static List<string> Complete(string stageOutput, string parameters) =>
        Pipeline.KeyShardFiles.Complete(stageOutput, KeyShardFile.FileName, KeyShardFile.ParametersOf, parameters, DedupJob.Stage);

    public static IEnumerable<KeyedSample> InInputOrder(IReadOnlyList<string> files, int permutations)
    {
        var readers = files.Select(f => KeyShardFile.Read(f, permutations).GetEnumerator()).ToList();
        try
        {
            var next = new PriorityQueue<int, (int Source, long Record)>();
            for (var i = 0; i < readers.Count; i++)
                if (readers[i].MoveNext()) next.Enqueue(i, Place(readers[i].Current));
            while (next.TryDequeue(out var i, out _))
            {
                yield return readers[i].Current;
                if (readers[i].MoveNext()) next.Enqueue(i, Place(readers[i].Current));
            }
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
    }

    private static (int, long) Place(KeyedSample keyed) => (keyed.SourceNumber, keyed.RecordNumber);
}
