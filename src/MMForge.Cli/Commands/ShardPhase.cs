using System.CommandLine;

namespace MMForge.Cli.Commands;

/// <summary>
/// <c>--phase keys|decide|write</c> of a global stage run as a map/reduce over shards (dedup,
/// select): keys and write per shard, decide once. Declared once so both commands check it alike.
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
}
