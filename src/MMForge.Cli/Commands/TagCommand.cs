using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Pipeline;
using MMForge.Tagging;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.ModelTaggers;
using MMForge.Tagging.Statistics;
using MMForge.Tagging.Taxonomy;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge tag DIR -o DIR</c>: image tags from the RAM++ vocabulary and instruction types from the taxonomy, with statistics.</summary>
internal static class TagCommand
{
    private static readonly string[] ImageTaggerNames = ["import", "text", "vlm"];

    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory to write (may be the input itself).", Required = true };
        var taggers = new Option<string[]>("--image-taggers")
        {
            Description = "Image taggers, in priority order (the first to name a tag gives its score): import = RAM++ tags the records carry (Infinity-MM's ram++_tags); "
                + "text = vocabulary tags named in captions, answers and box categories; vlm = a vision model (--endpoint, --model) lists what it sees, mapped onto the vocabulary. Default: import text.",
            DefaultValueFactory = _ => ["import", "text"],
            AllowMultipleArgumentsPerToken = true,
        };
        taggers.AcceptOnlyFromAmong(ImageTaggerNames);
        var minScore = new Option<double>("--import-min-score")
        {
            Description = $"Imported RAM++ tags with a lower (raw) score are dropped; default {ImportedTagger.DefaultMinScore}, as Infinity-MM.",
            DefaultValueFactory = _ => ImportedTagger.DefaultMinScore,
        };
        var classifierOption = new Option<string>("--classifier")
        {
            Description = "How instructions are placed in the taxonomy: embedded = the offline classifier trained on the shipped seed set (docs/taxonomy.md); "
                + "llm = a chat model (--endpoint, --model) picks the path, checked against the taxonomy and corrected once; none = leave instruction tags alone.",
            DefaultValueFactory = _ => "embedded",
        };
        classifierOption.AcceptOnlyFromAmong("embedded", "llm", "none");
        var models = new ModelOptions();
        var reclassify = new Option<bool>("--reclassify") { Description = "Classify every sample, replacing its instruction tags (default: only samples without any)." };
        var command = new Command("tag", "Tag every image with RAM++ vocabulary tags (imported and from text) and place every instruction in the 3-level task taxonomy; "
            + $"writes {TaggingReport.FileName} (tagger counts, top tags, type distribution, tag x type matrix) beside the shards.")
        {
            input, output, taggers, minScore, classifierOption, reclassify, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        foreach (var option in models.All) command.Options.Add(option);
        command.SetAction(p =>
        {
            var vocabulary = RamVocabulary.Default;
            var sources = shared.OpenDataset(p, p.GetValue(input)!);
            var needsModel = p.GetValue(taggers)!.Contains("vlm") || p.GetValue(classifierOption) == "llm";
            var (client, cache) = needsModel ? models.Open(p) : (null, null);
            using var ownedCache = cache;
            var chosen = p.GetValue(taggers)!.Distinct().Select(name => name switch
            {
                "import" => (IImageTagger)new ImportedTagger(vocabulary, p.GetValue(minScore)),
                "text" => new TextTagger(vocabulary),
                _ => VlmSampleTagger.For(client!, vocabulary, p.GetValue(models.MaxImageSide)),
            }).ToList();
            IInstructionClassifier? classifier = p.GetValue(classifierOption) switch
            {
                "embedded" => EmbeddedInstructionClassifier.Default,
                "llm" => new LlmSampleClassifier(new LlmInstructionClassifier(client!, LlmSampleClassifier.Choices(InstructionTaxonomy.Default))),
                _ => null,
            };
            var counts = new TaggingCounts();
            var statistics = new TagStatistics();
            var options = new JobOptions
            {
                Stage = "tag",
                Rules = Filters.RuleSet.Of(new TaggingStep(chosen, counts, classifier, p.GetValue(reclassify), statistics)),
                Workers = p.GetValue(shared.Workers),
                Shard = shared.ShardOf(p),
                Params = new JsonObject
                {
                    ["image_taggers"] = new JsonArray([.. chosen.Select(t => (JsonNode)JsonValue.Create(t.By)!)]),
                    ["import_min_score"] = p.GetValue(minScore),
                    ["classifier"] = p.GetValue(classifierOption),
                    ["reclassify"] = p.GetValue(reclassify),
                    ["model"] = client?.Model,
                },
            };
            var dir = options.Shard is { } shard ? shard.Directory(p.GetValue(output)!) : p.GetValue(output)!;
            if (JobRunner.FinishedShard(options, dir) is { } done) return done;
            using var writer = new DatasetOutput(dir, shared.Output(p));
            writer.WriteFileAtCompletion(TaggingReport.FileName, stream => TaggingReport.Write(stream, counts, statistics));
            var exit = JobRunner.Run(options, sources, writer, dir, Path.Combine(dir, DatasetDirectory.RejectsFile));
            Console.Out.WriteLine($"  image tags kept {counts.Kept:N0}, below the import threshold {counts.BelowThreshold:N0}, unknown {counts.Unknown:N0}; statistics in {Path.Combine(dir, TaggingReport.FileName)}");
            if (client is not null) ModelOptions.PrintUsage(client);
            return exit;
        });
        return command;
    }
}
