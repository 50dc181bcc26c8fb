using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary>
/// <c>--phase keys|decide|write</c> of a global stage run as a map/reduce over shards (dedup,
/// select, score): keys and write per shard, decide once. Declared once so the commands check it alike.
/// </summary>
internal static class ShardPhase
{
    public const string Keys = "keys", Decide = "decide", Write = "write";

    /// <summary>The option, described by <paramref name="description"/>; the command refuses keys or write without --shard, and decide with it.</summary>
    public static Option<string?> Add(Command command, Option<string?> shard, string description)
    {
        var phase = new Option<string?>("--phase") { Description = description };
        phase.AcceptOnlyFromAmong(Keys, Decide, Write);
        command.Options.Add(phase);
        command.Validators.Add(result =>
        {
            var sharded = result.GetValue(shard) is not null;
            switch (result.GetValue(phase))
            {
                case Keys when !sharded: result.AddError("--phase keys needs --shard INDEX/COUNT"); break;
                case Decide when sharded: result.AddError("--phase decide reads every shard's keys; leave out --shard"); break;
                case Write when !sharded: result.AddError("--phase write needs --shard INDEX/COUNT"); break;
            }
        });
        return phase;
    }

    /// <summary>
    /// Runs a shard's keys step with progress and a one-line summary of what <paramref name="write"/>
    /// counted (<paramref name="counted"/>), or says it is skipped when a previous launch completed it (<paramref name="written"/>).
    /// </summary>
    public static int RunKeys(string stage, ShardSpec shard, string dir, bool written, Func<Action<JobProgress>, long> write, string counted)
    {
        if (written)
        {
            Console.Out.WriteLine($"{stage}: keys of shard {shard} are already complete in {dir}; skipped");
            return Program.Ok;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var count = new ProgressDisplay(stage).Run(write);
        Console.Out.WriteLine($"{stage}: keys of shard {shard}: {count:N0} {counted} in {clock.Elapsed.TotalSeconds:F1}s");
        return Program.Ok;
    }
}
