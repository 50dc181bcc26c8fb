using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;
using MMForge.Tagging.Correspondence;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge merge-shards DIR</c>: the shards a stage wrote with --shard, joined into the stage's dataset, or, for map fit's count shards, added up into its model.</summary>
internal static class MergeShardsCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("output") { Description = "The -o folder the stage's shards were run with (holding shards/INDEX-of-COUNT); for 'map fit', the model file's folder." };
        var command = new Command("merge-shards", "Join the shards of a stage run with --shard INDEX/COUNT into one dataset directory (a manifest listing every shard's files, counts added up, rejects in one file); "
            + "for 'map fit', add the shards' counts up and write the model the one-process fit writes. Refused until every shard is complete.")
        {
            output,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(output)!;
            if (ShardMerge.HasCountShards(dir))
            {
                var fit = CountShard.Reduce(dir);
                return MapCommand.Report(p, $"map fit (merged {fit.Shards} shards)", fit.Model, fit.Path, fit.UnreadableRecords);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var manifest = ShardMerge.Merge(dir);
            RunSummary.Print($"{manifest.Stages[^1].Name} (merged {manifest.Stages[^1].Params["shards"]} shards)", manifest, dir, Path.Combine(dir, DatasetDirectory.RejectsFile), clock.Elapsed);
            return RunSummary.ExitCode(manifest);
        });
        return command;
    }
}
