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

    public static string FileOf(string stageOutput, Pipeline.ShardSpec shard) =>
        Path.Combine(stageOutput, Folder, shard.Name, KeyShardFile.FileName);

    /// <summary>
    /// Writes a shard's key file as <see cref="KeyShardFile.Write"/> does, in the shard's folder
    /// written as <c>NAME.tmp-PID</c> and moved into place when complete, as every shard is, so
    /// `mmforge status` tells a running, failed or complete key shard apart.
    /// </summary>
    public static void Write(string stageOutput, Pipeline.ShardSpec shard, string parameters, int permutations, Action<Action<KeyedSample>> fill)
    {
        Pipeline.DirectorySwap.Write(Path.GetDirectoryName(FileOf(stageOutput, shard))!, temp =>
        {
            KeyShardFile.Write(Path.Combine(temp, KeyShardFile.FileName), parameters, permutations, fill);
            return 0;
        });
    }

    /// <summary>The complete key files of every shard of one count, in shard order; refused while any is missing or was made with other parameters.</summary>
    public static List<string> Complete(string stageOutput, string parameters)
    {
        var files = Pipeline.ShardFolders.Complete(Path.Combine(stageOutput, Folder), dir => File.Exists(Path.Combine(dir, KeyShardFile.FileName)), "key")
            .Select(dir => Path.Combine(dir, KeyShardFile.FileName)).ToList();
        foreach (var file in files)
            if (KeyShardFile.ParametersOf(file) != parameters)
                throw new ArgumentException($"{file} was made with other dedup options; run '--phase keys' again for every shard with these");
        return files;
    }

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
