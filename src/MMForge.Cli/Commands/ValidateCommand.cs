using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge validate DIR -o DIR</c>: run the validation rules over a dataset directory.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory to validate." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory to write (may be the input itself).", Required = true };
        var phase = new Option<string?>("--phase")
        {
            Description = "Run one step of a sharded validate (what 'mmforge run --workers N' and the Slurm/Kubernetes executors do): "
                + "counts = with --shard I/N, count the yes and no answers of that shard's records into OUTPUT/keys/ for yes-no-balance (nothing to do when the rule is off); "
                + "records = with --shard I/N, write that shard's records, balancing by the counts of every shard when they are there, else by counting the whole input itself "
                + "(the default), then 'mmforge merge-shards OUTPUT'.",
        };
        phase.AcceptOnlyFromAmong(CountsPhase, RecordsPhase);
        var command = new Command("validate", "Apply the Infinity-MM format checks and the optional quality rules to a dataset directory; rejected records and dropped pairs go to rejects/ with rule, reason and location.")
        {
            input, output, shared.Enable, shared.Disable, shared.Seed, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard, phase,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(phase) is not null && result.GetValue(shared.Shard) is null) result.AddError("--phase needs --shard INDEX/COUNT: the phases are the steps of a sharded validate");
        });
        command.SetAction(p =>
        {
            var dir = p.GetValue(input)!;
            var outputDir = p.GetValue(output)!;
            var inputs = shared.OpenDataset(p, dir);
            var rules = shared.Rules(p);
            if (p.GetValue(phase) == CountsPhase) return Count(inputs, shared.ShardOf(p)!.Value, outputDir, rules.Balance is not null, p.GetValue(shared.Workers));
            if (shared.ShardOf(p) is not null && rules.Balance is { } balance) BalanceCountShards.TryUse(outputDir, balance);
            var options = new JobOptions
            {
                Stage = "validate",
                Rules = rules,
                Seed = p.GetValue(shared.Seed),
                Workers = p.GetValue(shared.Workers),
                Shard = shared.ShardOf(p),
                Params = new JsonObject { ["seed"] = p.GetValue(shared.Seed) },
            };
            return JobRunner.RunToDataset(options, inputs, outputDir, shared.Output(p));
        });
        return command;
    }

    private const string CountsPhase = "counts", RecordsPhase = "records";

    private static int Count(IReadOnlyList<MMForge.Formats.OpenedSource> inputs, ShardSpec shard, string outputDir, bool balanced, int workers)
    {
        if (!balanced) Console.Out.WriteLine($"validate: yes-no-balance is off; shard {shard} has nothing to count");
        else if (BalanceCountShards.Written(shard, outputDir)) Console.Out.WriteLine($"validate: counts of shard {shard} are already complete; skipped");
        else
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var records = BalanceCountShards.Write(inputs, shard, outputDir, workers);
            Console.Out.WriteLine($"validate: yes/no answers of shard {shard} counted over {records:N0} records in {clock.Elapsed.TotalSeconds:F1}s");
        }
        return Program.Ok;
    }
}
