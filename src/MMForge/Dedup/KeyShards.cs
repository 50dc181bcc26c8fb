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

    /// <summary>Writes a shard's key file as <see cref="KeyShardFile.Write"/> does, in its shard folder (<see cref="Pipeline.KeyShardFiles"/>).</summary>
    public static void Write(string stageOutput, Pipeline.ShardSpec shard, string parameters, int permutations, Action<Action<KeyedSample>> fill) =>
        Pipeline.KeyShardFiles.Write(stageOutput, shard, KeyShardFile.FileName, path => KeyShardFile.Write(path, parameters, permutations, fill));

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
