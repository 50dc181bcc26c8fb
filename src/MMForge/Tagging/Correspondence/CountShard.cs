using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Tagging.Correspondence;

/// <summary>
/// One shard of a sharded fit (<c>mmforge map fit --shard I/N</c>), the map half of a map/reduce:
/// the correspondence counts of the shard's seed samples, with the settings the reduce applies and
/// the name of the model file it writes, kept as <see cref="ShardMerge.CountsFile"/> in
/// <c>STAGE/shards/IIIII-of-NNNNN/</c> (STAGE = the model file's folder). Counts are whole numbers,
/// so the shards add up, in any order, to exactly the counts of one pass, and the model built from
/// the sums is byte-identical to the one-process fit. Every threshold (min support, df share, tags
/// kept) applies to the sums, in <see cref="Reduce"/>: a type rare in each shard but common overall
/// is kept, as one process would keep it. Format: <see cref="CountShardJson"/>.
/// </summary>
public sealed record CountShard(ShardSpec Shard, string ModelFile, CorrespondenceOptions Options, CorrespondenceCounts Counts, long UnreadableRecords)
{
    public const string Kind = "correspondence-counts";
    public const int FormatVersion = 1;

    /// <summary>The stage folder of a fit that writes <paramref name="modelPath"/>: the model's folder, which holds the shards and, once reduced, the model.</summary>
    public static string StageOf(string modelPath) => Path.GetDirectoryName(modelPath) is { Length: > 0 } dir ? dir : ".";

    /// <summary>
    /// The complete shard in <paramref name="shardDir"/> when it was counted for the same model
    /// file with the same settings, so a relaunch can skip it; null when it must be counted (a
    /// shard that cannot be read is counted again, replacing it).
    /// </summary>
    public static CountShard? Finished(string shardDir, ShardSpec shard, string modelFile, CorrespondenceOptions options)
    {
        if (!ShardMerge.HoldsCounts(shardDir)) return null;
        try
        {
            var done = Read(shardDir);
            return done.Shard == shard && done.ModelFile == modelFile && done.Options == options ? done : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Counts <paramref name="samples"/> (the shard's own, already chosen) into <paramref name="shardDir"/>.
    /// The folder is written as <c>NAME.tmp-PID</c> and moved into place with its counts file, as a
    /// dataset shard is: while counting, status sees the shard running; a killed count leaves no
    /// folder that looks complete. <paramref name="unreadable"/> is asked once the samples are read.
    /// </summary>
    public static CountShard Count(string shardDir, ShardSpec shard, string modelFile, CorrespondenceOptions options, IEnumerable<Sample> samples, Func<long> unreadable)
    {
        options.Validate();
        return DirectorySwap.Write(shardDir, temp =>
        {
            var counts = new CorrespondenceCounts(options.Unit);
            foreach (var sample in samples) counts.Add(sample);
            var counted = new CountShard(shard, modelFile, options, counts, unreadable());
            Formats.Writers.AtomicFile.WriteAllText(Path.Combine(temp, ShardMerge.CountsFile), CountShardJson.Write(counted));
            return counted;
        });
    }

    public static CountShard Read(string shardDir)
    {
        var path = Path.Combine(shardDir, ShardMerge.CountsFile);
        return CountShardJson.Read(File.ReadAllText(path), path);
    }

    /// <summary>
    /// The reduce: the count shards of <paramref name="stageOutput"/>, all of one count and every one
    /// complete (else refused, as a dataset merge is), added up; the model built from the sums with
    /// the shards' settings and saved as <c>STAGE/MODEL_FILE</c>. <paramref name="modelFile"/>, when
    /// given, is the name the caller expects (the -o of the shards), refused when the shards say otherwise.
    /// </summary>
    public static ReducedFit Reduce(string stageOutput, string? modelFile = null)
    {
        var folders = ShardFolders.Complete(Path.Combine(stageOutput, ShardSpec.Folder), ShardMerge.HoldsCounts, "count");
        var shards = folders.Select(Read).ToList();
        var first = shards[0];
        for (var i = 0; i < shards.Count; i++)
        {
            var shard = shards[i];
            if (shard.Shard != new ShardSpec(i, shards.Count))
                throw new InvalidDataException($"{folders[i]} holds the counts of shard {shard.Shard}, not {i}/{shards.Count}");
            if (shard.ModelFile != first.ModelFile)
                throw new ArgumentException($"{stageOutput}: shard {shard.Shard} was counted for {shard.ModelFile}, shard {first.Shard} for {first.ModelFile}; run every shard with the same -o");
            if (shard.Options != first.Options)
                throw new ArgumentException($"{stageOutput}: shard {shard.Shard} was counted with other settings than shard {first.Shard} ({shard.Options} against {first.Options}); "
                    + "run every shard with the same options (a shard counted with other settings is counted again)");
        }
        if (modelFile is not null && modelFile != first.ModelFile)
            throw new ArgumentException($"{stageOutput}: the shards were counted for {first.ModelFile}, not {modelFile}");
        var sums = new CorrespondenceCounts(first.Options.Unit);
        foreach (var shard in shards) sums.Merge(shard.Counts);
        var model = CorrespondenceModel.FromCounts(sums, first.Options);
        var path = Path.Combine(stageOutput, first.ModelFile);
        model.Save(path);
        return new ReducedFit(model, path, shards.Count, shards.Sum(s => s.UnreadableRecords));
    }
}

/// <summary>What <see cref="CountShard.Reduce"/> made: the model, where it is saved, of how many shards, and the unreadable records the shards skipped.</summary>
public sealed record ReducedFit(CorrespondenceModel Model, string Path, int Shards, long UnreadableRecords);
