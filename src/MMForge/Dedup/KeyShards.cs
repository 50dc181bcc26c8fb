using System.Buffers;

namespace MMForge.Dedup;

/// <summary>
/// The key folders of a sharded dedup (<c>OUTPUT/keys/IIIII-of-NNNNN/</c>): each shard's
/// <see cref="KeyShardFile"/> and the files beside it, written together and found complete
/// together. Each holds its shard's samples in input order, and shards are runs of the input,
/// so the files one after another are the samples in the order one process reads them.
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
    /// decide (<paramref name="partitionsDecide"/>), else to the <see cref="KeyLinks"/> that
    /// <paramref name="linksBeside"/> opens beside the key file (near matches across sources).
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
                add(unsigned);
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
}
