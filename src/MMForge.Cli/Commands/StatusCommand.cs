using System.CommandLine;
using MMForge.Pipeline;
using MMForge.Recipes;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge status RUN</c>: per stage of a run, whether it is done and how many of its shards are complete, running or failed.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "Run directory of 'mmforge run' (holding run.json and stages/)." };
        var command = new Command("status", "Show, per stage of a run, whether it finished (recorded in run.json) and, for sharded stages, how many shards are complete, running (a live process writing) or failed (left half-written by a process that is gone).")
        {
            run,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(run)!;
            var stagesFolder = Path.Combine(dir, "stages");
            if (!Directory.Exists(stagesFolder) && !RunFile.IsRun(dir)) throw new ArgumentException($"{dir} is not a run directory (no run.json or stages/)");
            var recorded = RunFile.IsRun(dir) ? RunFile.Load(dir).Stages : [];
            var names = recorded.Select(s => s.Name).ToList();
            if (Directory.Exists(stagesFolder))
                names.AddRange(Directory.GetDirectories(stagesFolder).Select(Path.GetFileName).Where(n => !names.Contains(n!)).Order(StringComparer.Ordinal)!);
            var width = names.Select(n => n.Length).Append(5).Max();
            foreach (var name in names)
            {
                var state = recorded.Any(s => s.Name == name) ? "done" : "not done";
                var stage = Path.Combine(stagesFolder, name);
                Console.Out.WriteLine($"{name.PadRight(width)}  {state}{Describe("keys", ShardStatus.OfKeys(stage))}{Describe("reduce", ShardStatus.OfReduce(stage))}{Describe("shards", ShardStatus.Of(stage))}");
            }
            return Program.Ok;
        });
        return command;
    }

    private static string Describe(string what, ShardStatus? status) =>
        status is { } s ? $"  {what}: {s.Complete}/{s.Count} complete, {s.Running} running, {s.Failed} failed" : "";
}
