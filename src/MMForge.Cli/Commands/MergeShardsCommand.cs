using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge merge-shards DIR</c>: the shards a stage wrote with --shard, joined into the stage's dataset.</summary>
internal static class MergeShardsCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("output") { Description = "The -o folder the stage's shards were run with (holding shards/INDEX-of-COUNT)." };
        var command = new Command("merge-shards", "Join the shards of a stage run with --shard INDEX/COUNT into one dataset directory (a manifest listing every shard's files, counts added up, rejects in one file); "
            + "refused until every shard is complete.")
        {
            output,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(output)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var manifest = ShardMerge.Merge(dir);
            RunSummary.Print($"{manifest.Stages[^1].Name} (merged {manifest.Stages[^1].Params["shards"]} shards)", manifest, dir, Path.Combine(dir, DatasetDirectory.RejectsFile), clock.Elapsed);
            return RunSummary.ExitCode(manifest);
        });
        return command;
    }
}
