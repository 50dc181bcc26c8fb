namespace MMForge.Pipeline;

/// <summary>
/// The shard folders (<c>IIIII-of-NNNNN</c>, see <see cref="ShardSpec"/>) under one folder, checked
/// before anything joins them: all of one count, every one complete, so a partial stage is
/// never taken as done.
/// </summary>
public static class ShardFolders
{
    /// <summary>
    /// Every shard folder under <paramref name="folder"/> (none when it does not exist), with the
    /// process writing it when it is still a temporary folder (<see cref="ShardSpec.TryParseFolder"/>).
    /// </summary>
    public static List<(ShardSpec Shard, int? Writer, string Dir)> Found(string folder)
    {
        var found = new List<(ShardSpec, int?, string)>();
        if (Directory.Exists(folder))
            foreach (var dir in Directory.GetDirectories(folder))
                if (ShardSpec.TryParseFolder(Path.GetFileName(dir), out var shard, out var writer)) found.Add((shard, writer, dir));
        return found;
    }

    /// <summary>
    /// The folders a stage's dataset shards are in: <c>OUTPUT/shards</c>, and for a stage that
    /// writes several datasets (select's mixes) each one's <c>OUTPUT/NAME/shards</c>; those that exist.
    /// </summary>
    public static List<string> OfStage(string stageOutput)
    {
        var folders = new List<string>();
        if (!Directory.Exists(stageOutput)) return folders;
        if (Directory.Exists(Path.Combine(stageOutput, ShardSpec.Folder))) folders.Add(Path.Combine(stageOutput, ShardSpec.Folder));
        foreach (var dataset in Directory.GetDirectories(stageOutput).Order(StringComparer.Ordinal))
            if (Directory.Exists(Path.Combine(dataset, ShardSpec.Folder))) folders.Add(Path.Combine(dataset, ShardSpec.Folder));
        return folders;
    }

    /// <summary>The folders in index order; <paramref name="isComplete"/> says whether a shard finished; <paramref name="what"/> names the shards in errors ("key").</summary>
    public static List<string> Complete(string folder, Func<string, bool> isComplete, string what)
    {
        var all = Found(folder).OrderBy(f => f.Shard.Index).ToList();
        var found = all.Where(f => f.Writer is null).ToList();
        if (found.Count == 0)
            // only temporary folders: every shard's process is still writing or stopped before the end, whatever the stage
            throw new ArgumentException(all.Count == 0
                ? $"{folder} has no {what} shards (run the stage with --shard INDEX/COUNT first)"
                : $"{folder} has no finished shard: {string.Join(", ", all.Select(f => $"{f.Shard.Index}/{f.Shard.Count}"))} were left unfinished by processes {string.Join(", ", all.Select(f => f.Writer).Distinct())}, still writing or stopped; run those shards again");
        var counts = found.Select(f => f.Shard.Count).Distinct().ToList();
        if (counts.Count > 1) throw new ArgumentException($"{folder} holds {what} shards of different counts ({string.Join(", ", counts)}); remove the old ones");
        var count = counts[0];
        var complete = found.Where(f => isComplete(f.Dir)).ToDictionary(f => f.Shard.Index, f => f.Dir);
        var missing = Enumerable.Range(0, count).Where(i => !complete.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"{folder}: {missing.Count} of {count} {what} shards are not complete: {string.Join(", ", missing.Take(20).Select(i => $"{i}/{count}"))}; run them again (finished shards are skipped)");
        return Enumerable.Range(0, count).Select(i => complete[i]).ToList();
    }
}
