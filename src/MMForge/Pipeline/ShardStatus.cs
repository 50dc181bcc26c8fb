using System.Text.RegularExpressions;

namespace MMForge.Pipeline;

/// <summary>
/// Where the shards of one stage stand, read from its folder alone (so it works for any executor
/// on shared storage): complete shards have their manifest; a shard being written is a temporary
/// folder of a live process; a temporary folder whose process is gone is a shard that failed.
/// </summary>
public sealed partial record ShardStatus(int Count, int Complete, int Running, int Failed)
{
    [GeneratedRegex(@"^(\d{5})-of-(\d{5})(?:\.tmp-(\d+))?$")]
    private static partial Regex ShardFolder();

    /// <summary>The shards of the newest count under <paramref name="stageOutput"/>, or null when it has none.</summary>
    public static ShardStatus? Of(string stageOutput)
    {
        var folder = Path.Combine(stageOutput, ShardSpec.Folder);
        if (!Directory.Exists(folder)) return null;
        var shards = Directory.GetDirectories(folder).Select(d => (Dir: d, Match: ShardFolder().Match(Path.GetFileName(d)))).Where(s => s.Match.Success).ToList();
        if (shards.Count == 0) return null;
        var count = shards.Max(s => int.Parse(s.Match.Groups[2].Value));
        var ofCount = shards.Where(s => int.Parse(s.Match.Groups[2].Value) == count).ToList();
        var complete = ofCount.Where(s => !s.Match.Groups[3].Success && DatasetDirectory.IsDataset(s.Dir)).Select(s => s.Match.Groups[1].Value).ToHashSet();
        var temps = ofCount.Where(s => s.Match.Groups[3].Success && !complete.Contains(s.Match.Groups[1].Value)).ToList();
        var running = temps.Where(s => DirectorySwap.IsRunning(int.Parse(s.Match.Groups[3].Value))).Select(s => s.Match.Groups[1].Value).ToHashSet();
        var failed = temps.Select(s => s.Match.Groups[1].Value).Where(i => !running.Contains(i)).ToHashSet();
        return new ShardStatus(count, complete.Count, running.Count, failed.Count);
    }
}
