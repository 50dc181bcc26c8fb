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
        var command = new Command("validate", "Apply the Infinity-MM format checks and the optional quality rules to a dataset directory; rejected records and dropped pairs go to rejects/ with rule, reason and location.")
        {
            input, output, shared.Enable, shared.Disable, shared.Seed, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(input)!;
            var inputs = shared.OpenDataset(p, dir);
            var options = new JobOptions
            {
                Stage = "validate",
                Rules = shared.Rules(p),
                Seed = p.GetValue(shared.Seed),
                Workers = p.GetValue(shared.Workers),
                Shard = shared.ShardOf(p),
                Params = new JsonObject { ["seed"] = p.GetValue(shared.Seed) },
            };
            return JobRunner.RunToDataset(options, inputs, p.GetValue(output)!, shared.Output(p));
        });
        return command;
    }
}
