namespace MMForge.Pipeline;

/// <summary>
/// Where the shards of one stage stand, read from its folder alone (so it works for any executor
/// on shared storage): complete shards have their manifest (or, for a map/reduce stage, their
/// counts: <see cref="ShardMerge.IsComplete"/>); a shard being written is a temporary
/// folder of a live process; a temporary folder whose process is gone is a shard that failed.
/// </summary>
public sealed record ShardStatus(int Count, int Complete, int Running, int Failed)
{
    /// <summary>
    /// The shards of the newest count under <paramref name="stageOutput"/>, or null when it has none.
    /// A stage that writes several datasets (a sharded selection's mixes: every one its decisions
    /// name, so a mix whose shards are not begun yet counts too) shards each: a shard is complete
    /// when it is complete in every one, running or failed when it is in any.
    /// </summary>
    public static ShardStatus? Of(string stageOutput) =>
        Of(Selection.ShardedSelection.MixFolders(stageOutput)?.Select(mix => Path.Combine(mix, ShardSpec.Folder)).ToList() ?? ShardFolders.OfStage(stageOutput),
            ShardMerge.IsComplete);

    /// <summary>The shards of a stage's first step (<c>keys/</c>: dedup's and select's keys, hash's image hashes), each complete once its folder is in place.</summary>
    public static ShardStatus? OfKeys(string stageOutput) => Of([Path.Combine(stageOutput, ShardSpec.KeysFolder)], Directory.Exists);

    /// <summary>The partitions of a stage's reduce step (<c>keys/reduce/</c>: dedup's key partitions), each complete once its folder is in place.</summary>
    public static ShardStatus? OfReduce(string stageOutput) => Of([Path.Combine(stageOutput, ShardSpec.KeysFolder, ShardSpec.ReduceFolder)], Directory.Exists);

    private static ShardStatus? Of(IReadOnlyList<string> folders, Func<string, bool> isComplete)
    {
        var shards = folders.Select(ShardFolders.Found).ToList();
        if (shards.All(s => s.Count == 0)) return null;
        var count = shards.SelectMany(s => s).Max(s => s.Shard.Count);
        var ofCount = shards.Select(s => s.Where(f => f.Shard.Count == count).ToList()).ToList();
        var complete = ofCount.Select(s => s.Where(f => f.Writer is null && isComplete(f.Dir)).Select(f => f.Shard.Index).ToHashSet())
            .Aggregate((all, next) => { all.IntersectWith(next); return all; });
        var temps = ofCount.SelectMany(s => s).Where(s => s.Writer is not null && !complete.Contains(s.Shard.Index)).ToList();
        var running = temps.Where(s => DirectorySwap.IsRunning(s.Writer!.Value)).Select(s => s.Shard.Index).ToHashSet();
        var failed = temps.Select(s => s.Shard.Index).Where(i => !running.Contains(i)).ToHashSet();
        return new ShardStatus(count, complete.Count, running.Count, failed.Count);
    }
}
