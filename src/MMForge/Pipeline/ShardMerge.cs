using MMForge.Formats.Writers;

namespace MMForge.Pipeline;

/// <summary>
/// Joins the shard datasets of a stage (<c>OUTPUT/shards/INDEX-of-COUNT</c>, each complete with its
/// manifest) into the stage's dataset: one manifest at OUTPUT listing every shard's data files in
/// shard order, with the counts added up, and the shards' rejects in one file. No record is copied.
/// Refused until every shard of the count is complete, so a partial stage is never taken as done.
/// The shards of a map/reduce stage (map fit) hold partial counts instead of a dataset
/// (<see cref="CountsFile"/>); their stage adds them up (<see cref="HasCountShards"/> tells which).
/// </summary>
public static class ShardMerge
{
    /// <summary>The file a map/reduce stage's shard holds instead of a dataset: its partial counts, written last, which its stage's reduce adds up.</summary>
    public const string CountsFile = "counts.json";

    public static Manifest Merge(string stageOutput)
    {
        if (HasCountShards(stageOutput)) throw new ArgumentException($"{stageOutput}: the shards hold counts, not datasets; their stage's reduce adds them up ('mmforge merge-shards' does)");
        var shards = Complete(stageOutput);
        var manifests = shards.Select(Manifest.Load).ToList();
        var merged = new Manifest();
        var first = manifests[0];
        merged.Stages.AddRange(first.Stages.SkipLast(1));
        merged.Sources.AddRange(first.Sources.Select(s => new SourceInfo
        {
            Name = s.Name, File = s.File, Format = s.Format, Container = s.Container, ImageRoot = s.ImageRoot, Info = s.Info,
            Records = s.Records, Rejected = s.Rejected,
        }));
        foreach (var (name, dir) in first.ImageRoots) merged.ImageRoots[name] = dir;
        var stage = new StageInfo { Name = first.Stages[^1].Name, Params = (System.Text.Json.Nodes.JsonObject)first.Stages[^1].Params.DeepClone() };
        stage.Params.Remove("shard");
        stage.Params["shards"] = shards.Count;
        stage.Inputs.AddRange(first.Stages[^1].Inputs.Select(i => new InputInfo { Name = i.Name, File = i.File, Format = i.Format }));
        for (var s = 0; s < shards.Count; s++)
        {
            var shard = manifests[s];
            var relative = Path.GetRelativePath(stageOutput, shards[s]);
            merged.Shards.AddRange(shard.Shards.Select(f => new ShardInfo { File = Path.Combine(relative, f.File), Records = f.Records, Bytes = f.Bytes }));
            merged.Records += shard.Records;
            merged.Rejected += shard.Rejected;
            Add(merged.RecordsBySource, shard.RecordsBySource);
            Add(merged.RejectsByRule, shard.RejectsByRule);
            Add(merged.DroppedPairsByRule, shard.DroppedPairsByRule);
            var own = shard.Stages[^1];
            (stage.RecordsIn, stage.RecordsOut, stage.Rejected) = (stage.RecordsIn + own.RecordsIn, stage.RecordsOut + own.RecordsOut, stage.Rejected + own.Rejected);
            for (var i = 0; i < own.Inputs.Count; i++) (stage.Inputs[i].Records, stage.Inputs[i].Rejected) = (stage.Inputs[i].Records + own.Inputs[i].Records, stage.Inputs[i].Rejected + own.Inputs[i].Rejected);
        }
        // as RecordJob does: a source read by this stage itself (ingest) counts what this stage kept of it
        foreach (var source in merged.Sources)
            if (stage.Inputs.FirstOrDefault(i => i.Name == source.Name && i.File == source.File) is { } counted)
                (source.Records, source.Rejected) = (counted.Records, counted.Rejected);
        merged.Stages.Add(stage);
        JoinRejects(stageOutput, shards);
        AtomicFile.WriteAllText(Path.Combine(stageOutput, Manifest.FileName), merged.ToJson());
        // a global stage's keys served only its decide step: at 500 bytes a sample they are worth freeing
        var keys = Path.Combine(stageOutput, ShardSpec.KeysFolder);
        if (Directory.Exists(keys)) Directory.Delete(keys, recursive: true);
        return merged;
    }

    /// <summary>The shard folders in index order, after checking that all of one count are there and complete.</summary>
    public static List<string> Complete(string stageOutput) =>
        ShardFolders.Complete(Path.Combine(stageOutput, ShardSpec.Folder), DatasetDirectory.IsDataset, "dataset");

    /// <summary>Whether a shard folder is complete: a dataset, a map/reduce stage's counts, or an export's shard.</summary>
    public static bool IsComplete(string shardDir) => DatasetDirectory.IsDataset(shardDir) || HoldsCounts(shardDir) || Exports.Shards.ExportShards.IsComplete(shardDir);

    public static bool HoldsCounts(string shardDir) => File.Exists(Path.Combine(shardDir, CountsFile));

    /// <summary>Whether the stage's complete shards hold counts (a map/reduce stage's, reduced by that stage) rather than datasets; refused when they mix both.</summary>
    public static bool HasCountShards(string stageOutput)
    {
        var folder = Path.Combine(stageOutput, ShardSpec.Folder);
        var finished = ShardFolders.Found(folder).Where(f => f.Writer is null).Select(f => f.Dir).ToList();
        var counting = finished.Count(HoldsCounts);
        if (counting > 0 && finished.Any(DatasetDirectory.IsDataset))
            throw new ArgumentException($"{folder} holds count shards and dataset shards; remove the shards of the other stage");
        return counting > 0;
    }

    private static void Add(SortedDictionary<string, long> into, SortedDictionary<string, long> counts)
    {
        foreach (var (key, n) in counts) into[key] = into.GetValueOrDefault(key) + n;
    }

    private static void JoinRejects(string stageOutput, IReadOnlyList<string> shards) =>
        AtomicFile.Concatenate(Path.Combine(stageOutput, DatasetDirectory.RejectsFile),
            shards.Select(shard => Path.Combine(shard, DatasetDirectory.RejectsFile)).Where(File.Exists));
}
