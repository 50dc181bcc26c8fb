namespace MMForge.Pipeline;

/// <summary>
/// Where the shards of one stage stand, read from its folder alone (so it works for any executor
/// on shared storage): complete shards have their manifest (or, for a map/reduce stage, their
/// counts: <see cref="ShardMerge.IsComplete"/>); a shard being written is a temporary
/// folder of a live process; a temporary folder whose process is gone is a shard that failed.
/// </summary>
public sealed record ShardStatus(int Count, int Complete, int Running, int Failed)
{
    /// <summary>The shards of the newest count under <paramref name="stageOutput"/>, or null when it has none.</summary>
    public static ShardStatus? Of(string stageOutput) => Of(Path.Combine(stageOutput, ShardSpec.Folder), ShardMerge.IsComplete);

    /// <summary>The shards of a stage's first step (<c>keys/</c>: dedup's keys, hash's image hashes), each complete once its folder is in place.</summary>
    public static ShardStatus? OfKeys(string stageOutput) => Of(Path.Combine(stageOutput, ShardSpec.KeysFolder), Directory.Exists);

    private static ShardStatus? Of(string folder, Func<string, bool> isComplete)
    {
        var shards = ShardFolders.Found(folder);
        if (shards.Count == 0) return null;
        var count = shards.Max(s => s.Shard.Count);
        var ofCount = shards.Where(s => s.Shard.Count == count).ToList();
        var complete = ofCount.Where(s => s.Writer is null && isComplete(s.Dir)).Select(s => s.Shard.Index).ToHashSet();
        var temps = ofCount.Where(s => s.Writer is not null && !complete.Contains(s.Shard.Index)).ToList();
        var running = temps.Where(s => DirectorySwap.IsRunning(s.Writer!.Value)).Select(s => s.Shard.Index).ToHashSet();
        var failed = temps.Select(s => s.Shard.Index).Where(i => !running.Contains(i)).ToHashSet();
        return new ShardStatus(count, complete.Count, running.Count, failed.Count);
    }
}
