using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Exports.Shards;
using MMForge.Pipeline;
using MMForge.Tagging.Correspondence;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge merge-shards DIR</c>: the shards a stage wrote with --shard, joined into the stage's dataset (for select, each mix's, then mixes.json), or, for map fit's count shards, added up into its model.</summary>
internal static class MergeShardsCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("output") { Description = "The -o the stage's shards were run with: the folder holding shards/INDEX-of-COUNT; for 'select', the mix directory (each mix's folder holds its shards); for 'map fit', the model file (its folder holds the shards) or that folder; for 'export', the export folder." };
        var command = new Command("merge-shards", "Join the shards of a stage run with --shard INDEX/COUNT into one dataset directory (a manifest listing every shard's files, counts added up, rejects in one file); "
            + "for 'select', join each mix's shards and write mixes.json last; for 'map fit', add the shards' counts up and write the model the one-process fit writes; for 'export', join each part's records and the stored images into the export one process writes. Refused until every shard is complete.")
        {
            output,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(output)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (ExportShards.HasShards(dir))
            {
                var export = ExportShards.Merge(dir);
                ExportCommand.Print(export, clock.Elapsed);
                return export.Manifest.Rejected > 0 ? Program.Rejected : Program.Ok;
            }
            if (MMForge.Selection.ShardedSelection.HasDecisions(dir)) return SelectCommand.PrintMerged(MMForge.Selection.ShardedSelection.Merge(dir), dir);
            // map fit's -o names its model file, whose folder holds the count shards
            var modelFile = Directory.Exists(dir) ? null : Path.GetFileName(dir);
            var counted = modelFile is null ? dir : CountShard.StageOf(dir);
            if (ShardMerge.HasCountShards(counted))
            {
                var fit = CountShard.Reduce(counted, modelFile);
                return MapCommand.Report(p, $"map fit (merged {fit.Shards} shards)", fit.Model, fit.Path, fit.UnreadableRecords);
            }
            var manifest = ShardMerge.Merge(dir);
            RunSummary.Print($"{manifest.Stages[^1].Name} (merged {manifest.Stages[^1].Params["shards"]} shards)", manifest, dir, Path.Combine(dir, DatasetDirectory.RejectsFile), clock.Elapsed);
            return RunSummary.ExitCode(manifest);
        });
        return command;
    }
}
