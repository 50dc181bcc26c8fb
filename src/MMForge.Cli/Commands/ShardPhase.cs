using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary>
/// <c>--phase keys|reduce|decide|write</c> of a global stage run as a map/reduce over shards (dedup,
/// select, score): keys and write per shard, reduce (dedup's) per partition, decide once. Declared
/// once so the commands check it alike.
/// </summary>
internal static class ShardPhase
{
    public const string Keys = "keys", Reduce = "reduce", Decide = "decide", Write = "write";

    /// <summary>
    /// The option, described by <paramref name="description"/>, with a reduce phase when the command
    /// has one (<paramref name="reduces"/>); the command refuses keys, reduce or write without --shard, and decide with it.
    /// </summary>
    public static Option<string?> Add(Command command, Option<string?> shard, string description, bool reduces = false)
    {
        var phase = new Option<string?>("--phase") { Description = description };
        phase.AcceptOnlyFromAmong(reduces ? [Keys, Reduce, Decide, Write] : [Keys, Decide, Write]);
        command.Options.Add(phase);
        command.Validators.Add(result =>
        {
            var sharded = result.GetValue(shard) is not null;
            switch (result.GetValue(phase))
            {
                case Keys when !sharded: result.AddError("--phase keys needs --shard INDEX/COUNT"); break;
                case Reduce when !sharded: result.AddError("--phase reduce needs --shard PARTITION/COUNT (COUNT: the number of key shards)"); break;
                case Decide when sharded: result.AddError("--phase decide reads every shard's keys; leave out --shard"); break;
                case Write when !sharded: result.AddError("--phase write needs --shard INDEX/COUNT"); break;
            }
        });
        return phase;
    }

    /// <summary>Runs a shard's keys step (<see cref="RunStep"/>), summed up as the count <paramref name="write"/> returns of <paramref name="counted"/>.</summary>
    public static int RunKeys(string stage, ShardSpec shard, string dir, bool written, Func<Action<JobProgress>, long> write, string counted) =>
        RunStep(stage, $"keys of shard {shard}", dir, written, write, count => $"{count:N0} {counted}");

    /// <summary>
    /// Runs a step a shard takes before it writes records (<paramref name="what"/>: "keys of shard 0/2"),
    /// with progress and a one-line summary of its result, or says it is skipped when a previous launch
    /// completed it in <paramref name="dir"/> (<paramref name="written"/>).
    /// </summary>
    public static int RunStep<T>(string stage, string what, string dir, bool written, Func<Action<JobProgress>, T> run, Func<T, string> summary)
    {
        if (written)
        {
            Console.Out.WriteLine($"{stage}: {what} are already complete in {dir}; skipped");
            return Program.Ok;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = new ProgressDisplay(stage).Run(run);
        Console.Out.WriteLine($"{stage}: {what}: {summary(result)} in {clock.Elapsed.TotalSeconds:F1}s");
        return Program.Ok;
    }
}
