using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Pipeline;
using MMForge.Synthesis.Annotations;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge synthesize DIR -o DIR --generator annotations</c>: new instruction samples from what the data already holds.</summary>
internal static class SynthesizeCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory whose samples carry box annotations (COCO instances, LLaVA caption+box files)." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory for the generated samples.", Required = true };
        var generator = new Option<string>("--generator")
        {
            Description = "annotations = questions answered by the box annotations alone, no model: counting, existence (balanced yes/no), relative position, referring with normalised boxes, multiple choice.",
            DefaultValueFactory = _ => AnnotationSynthesisStep.Generator,
        };
        generator.AcceptOnlyFromAmong(AnnotationSynthesisStep.Generator);
        var randomSeed = new Option<ulong>("--random-seed") { Description = "Seed of every random choice (which category, which option order); the same seed gives the same samples.", DefaultValueFactory = _ => 0 };
        var maxPairs = new Option<int>("--max-turns") { Description = "Most question/answer pairs packed into one sample (default 8).", DefaultValueFactory = _ => 8 };
        maxPairs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--max-turns must be at least 1"); });
        var command = new Command("synthesize", "Generate new multi-turn instruction samples. The annotations generator needs no model: every answer follows from the image's box annotations.")
        {
            input, output, generator, randomSeed, maxPairs, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes,
        };
        command.SetAction(p =>
        {
            var seed = p.GetValue(randomSeed);
            var options = new JobOptions
            {
                Stage = "synthesize",
                Rules = Filters.RuleSet.Of(new AnnotationSynthesisStep(new AnnotationQuestions(seed, CocoCategories.Names), seed, p.GetValue(maxPairs))),
                Workers = p.GetValue(shared.Workers),
                Params = new JsonObject { ["generator"] = p.GetValue(generator), ["random_seed"] = seed, ["max_turns"] = p.GetValue(maxPairs) },
            };
            return JobRunner.RunToDataset(options, shared.OpenDataset(p, p.GetValue(input)!), p.GetValue(output)!, shared.Output(p));
        });
        return command;
    }
}
