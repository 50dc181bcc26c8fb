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
    /// Writes a shard's key file as <see cref="KeyShardFile.Write"/> does, and the same samples by
    /// exact-key partition (<see cref="ExactKeyPartitions"/>, one partition per shard), in its shard
    /// folder (<see cref="Pipeline.KeyShardFiles"/>).
    /// </summary>
    public static void Write(string stageOutput, Pipeline.ShardSpec shard, string parameters, int permutations, Action<Action<KeyedSample>> fill) =>
        Pipeline.KeyShardFiles.Write(stageOutput, shard, KeyShardFile.FileName, path =>
        {
            using var exact = new ExactKeyPartitions.Writer(ExactFileBeside(path), parameters, shard.Count);
            // the partition first: the key file gives the sample's signature back to the pool
            KeyShardFile.Write(path, parameters, permutations, add => fill(keyed =>
            {
                exact.Add(keyed);
                add(keyed);
            }));
            exact.Complete();
        });

    /// <summary>Whether <paramref name="shard"/>'s key folder holds both files, made with <paramref name="parameters"/>.</summary>
    public static bool Written(string stageOutput, Pipeline.ShardSpec shard, string parameters) =>
        KeyShardFile.ParametersOf(FileOf(stageOutput, shard)) == parameters && ExactKeyPartitions.ParametersOf(ExactFileBeside(FileOf(stageOutput, shard))) == parameters;

    /// <summary>The exact-key partition file in the folder of the key file <paramref name="keyFile"/>.</summary>
    public static string ExactFileBeside(string keyFile) => Path.Combine(Path.GetDirectoryName(keyFile)!, ExactKeyPartitions.FileName);

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
