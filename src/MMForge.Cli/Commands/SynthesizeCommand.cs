using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;
using MMForge.Synthesis;
using MMForge.Synthesis.Annotations;
using MMForge.Synthesis.Llm;
using MMForge.Synthesis.Vlm;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.Taxonomy;

namespace MMForge.Cli.Commands;

/// <summary>
/// <c>mmforge synthesize DIR -o DIR</c>: new instruction samples, from a VLM guided by image tags
/// and the correspondence model (<c>--generator vlm</c>), from a text-only LLM given the captions
/// and boxes (<c>--generator llm</c>), or from what the annotations already say
/// (<c>--generator annotations</c>, no model).
/// </summary>
internal static class SynthesizeCommand
{
    private const string Vlm = InfinityMmGenerator.GeneratorName;
    private const string Llm = LlmContextGenerator.GeneratorName;

    public static Command Create()
    {
        var shared = new SharedOptions();
        var models = new ModelOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory of images to write instructions for (tagged by 'mmforge tag' for --generator vlm; with captions or boxes for --generator llm and annotations)." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory for the generated samples.", Required = true };
        var generator = new Option<string>("--generator")
        {
            Description = "vlm = the Infinity-MM method on a VLM server (needs --seed, --map, --endpoint, --model): types from the image's tags, a question from two seed examples of the type, "
                          + "its relevance judged, an answer in one of three styles, the answer scored. "
                          + "llm = the LLaVA/SVIT way on a text-only LLM (needs --endpoint, --model): captions and normalised boxes as context for a conversation, a detailed description and complex reasoning (--llm-kinds). "
                          + "annotations = questions answered by the annotations alone, no model: counting, existence (balanced yes/no), relative position, referring with normalised boxes, multiple choice, a brief description (one of the captions), a detailed description of the boxes.",
            DefaultValueFactory = _ => AnnotationSynthesisStep.Generator,
        };
        generator.AcceptOnlyFromAmong(Vlm, Llm, AnnotationSynthesisStep.Generator);
        var llmKinds = new Option<string[]>("--llm-kinds")
        {
            Description = $"What the llm generator writes per image, in packing order (default all): {string.Join(", ", LlmKinds.All)}.",
            DefaultValueFactory = _ => [.. LlmKinds.All],
            AllowMultipleArgumentsPerToken = true,
        };
        var seedSet = new Option<string[]>("--seed") { Description = "Seed dataset directory (tagged: image tags and instruction types) whose questions are the few-shot examples; repeat for several." };
        var map = new Option<string?>("--map") { Description = "Correspondence model from 'mmforge map fit' (model.json) that turns image tags into instruction types." };
        var randomSeed = new Option<ulong>("--random-seed") { Description = "Seed of every random choice (types, answer styles, option order); the same seed gives the same samples.", DefaultValueFactory = _ => 0 };
        var maxPairs = new Option<int>("--max-turns") { Description = "Most question/answer pairs packed into one sample (default 8); an image with more gets several samples.", DefaultValueFactory = _ => 8 };
        maxPairs.Require(n => n >= 1, "--max-turns must be at least 1");
        var defaults = new InfinityMmOptions();
        var types = new Option<int>("--types-per-image") { Description = $"Instruction types (one question each) chosen per image (default {defaults.TypesPerImage}).", DefaultValueFactory = _ => defaults.TypesPerImage };
        var typeTemperature = new Option<double>("--type-temperature") { Description = $"Temperature of the type choice over the correspondence scores; 0 takes the best types (default {defaults.TypeTemperature}).", DefaultValueFactory = _ => defaults.TypeTemperature };
        var minRelevance = new Option<int>("--min-relevance") { Description = $"Lowest question relevance (1-10, judged by the VLM) kept (default {defaults.MinRelevance}).", DefaultValueFactory = _ => defaults.MinRelevance };
        var minScore = new Option<int>("--min-answer-score") { Description = $"Lowest answer score (1-10, judged by the VLM) kept; Infinity-MM dropped answers below 8 (default {defaults.MinAnswerScore}).", DefaultValueFactory = _ => defaults.MinAnswerScore };
        var styles = new Option<string>("--answer-styles") { Description = "Mix of answer styles as weights: short (a word or phrase), brief (short explanation, then the answer), detailed (step by step, then the answer).", DefaultValueFactory = _ => defaults.Styles.ToString() };
        var prompts = new Option<string?>("--prompts") { Description = "Directory of prompt templates replacing the shipped ones (files named as in docs/prompts.md, e.g. vlm-question.txt, llm-conversation.txt)." };
        var journal = new Option<string?>("--journal")
        {
            Description = "SQLite journal of every finished step, so a killed run resumes without repeating calls (default OUTPUT.journal.sqlite beside the output). "
                + "With --shard each shard keeps its own beside it, NAME.IIIII-of-NNNNN.sqlite (OUTPUT.journal.00000-of-00004.sqlite).",
        };
        var imagesInFlight = new Option<int>("--images-in-flight") { Description = "Images generated at once (default: twice --concurrency), so every request slot stays busy.", DefaultValueFactory = _ => 0 };
        var command = new Command("synthesize", "Generate new multi-turn instruction samples: with a VLM (the Infinity-MM method), with a text-only LLM from captions and boxes (LLaVA/SVIT), or from the images' annotations alone.")
        {
            input, output, generator, seedSet, map, llmKinds, randomSeed, maxPairs, types, typeTemperature, minRelevance, minScore, styles, prompts, journal, imagesInFlight,
            shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        foreach (var option in models.All) command.Options.Add(option);
        command.SetAction(p =>
        {
            var sources = shared.OpenDataset(p, p.GetValue(input)!);
            var dir = p.GetValue(output)!;
            var shard = shared.ShardOf(p);
            if (p.GetValue(generator) == AnnotationSynthesisStep.Generator) return RunAnnotations(p, shared, sources, dir, p.GetValue(randomSeed), p.GetValue(maxPairs));

            // what the vlm generator reads is checked before any server is contacted
            var vlmInputs = p.GetValue(generator) == Vlm ? ReadVlmInputs(p, shared, p.GetValue(map), p.GetValue(seedSet)) : default;
            var (client, cache) = models.Open(p);
            using var ownedCache = cache;
            ISampleGenerator chosen = p.GetValue(generator) == Vlm
                ? new InfinityMmGenerator(client, vlmInputs.Correspondence!, vlmInputs.Seeds!, new PromptTemplates(Vlm, InfinityMmGenerator.Prompts, p.GetValue(prompts)), new InfinityMmOptions
                {
                    TypesPerImage = p.GetValue(types),
                    TypeTemperature = p.GetValue(typeTemperature),
                    Seed = p.GetValue(randomSeed),
                    MinRelevance = p.GetValue(minRelevance),
                    MinAnswerScore = p.GetValue(minScore),
                    Styles = AnswerStyleMix.Parse(p.GetValue(styles)!),
                    MaxImageSide = p.GetValue(models.MaxImageSide),
                }, InstructionTaxonomy.Default)
                : new LlmContextGenerator(client, new LlmGeneratorOptions { Kinds = p.GetValue(llmKinds)!, Seed = p.GetValue(randomSeed), PromptDirectory = p.GetValue(prompts) });
            var inFlight = p.GetValue(imagesInFlight) is > 0 and var n ? n : 2 * p.GetValue(models.Concurrency);
            var job = new SynthesisJob(chosen, new SynthesisOptions
            {
                JournalPath = p.GetValue(journal) ?? Path.GetFullPath(dir).TrimEnd('/') + ".journal.sqlite",
                Shard = shard,
                MaxPairs = p.GetValue(maxPairs),
                ImagesInFlight = inFlight,
                Workers = p.GetValue(shared.Workers),
                Log = Console.Error.WriteLine,
            }, () => client.Usage);
            var exit = Run(sources, shard is { } part ? part.Directory(dir) : dir, shared.Output(p), job);
            ModelOptions.PrintUsage(client);
            return exit;
        });
        return command;
    }

    /// <summary>The correspondence model and the seed set the vlm generator needs, or a usage error naming what is missing.</summary>
    private static (CorrespondenceModel? Correspondence, SeedIndex? Seeds) ReadVlmInputs(ParseResult p, SharedOptions shared, string? mapPath, string[]? seedDirs)
    {
        if (mapPath is null) throw new ArgumentException("--generator vlm needs --map model.json (from 'mmforge map fit')");
        if (seedDirs is not { Length: > 0 }) throw new ArgumentException("--generator vlm needs --seed SEED_DIR (a tagged dataset)");
        var correspondence = CorrespondenceModel.Load(mapPath);
        var seeds = SeedIndex.Read([.. seedDirs.SelectMany(d => shared.OpenDataset(p, d))], correspondence.Options.Unit);
        if (seeds.Count == 0) throw new ArgumentException($"the seed set {string.Join(", ", seedDirs)} has no sample with an image, a question and an instruction type; run 'mmforge tag' on it first");
        return (correspondence, seeds);
    }

    /// <summary>Runs the job into <paramref name="dir"/> (a shard's folder when sharded: a shard finished with the same parameters is skipped).</summary>
    private static int Run(IReadOnlyList<MMForge.Formats.OpenedSource> sources, string dir, DatasetWriterOptions writerOptions, SynthesisJob job)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var journal = job.OpenJournal();
        if (JobRunner.FinishedShard(job.WritingOptions(journal), dir) is { } done) return done;
        using var writer = new DatasetOutput(dir, writerOptions);
        var manifest = new ProgressDisplay(SynthesisJob.Stage).RunWithStatus(status =>
            job.Run(journal, sources, writer, g => status(SynthesisStatus.Describe(g)), w => status($"synthesize: writing, {w.Records:N0} images")));
        var rejects = Path.Combine(dir, DatasetDirectory.RejectsFile);
        RunSummary.Print(SynthesisJob.Stage, manifest, dir, rejects, clock.Elapsed);
        // Candidates refused by the judges are the method at work; images that failed are not.
        var failed = manifest.RejectsByRule.Keys.Where(rule => !rule.StartsWith("synthesis-", StringComparison.Ordinal)
            || rule is GenerationPass.ModelFailedRule or GenerationPass.FailedRule or SynthesisOutputStep.NotRunRule).ToList();
        if (failed.Count > 0) Console.Out.WriteLine($"  images not generated ({string.Join(", ", failed)}) are tried again by rerunning the same command");
        return failed.Count > 0 ? 1 : 0;
    }

    private static int RunAnnotations(ParseResult p, SharedOptions shared, IReadOnlyList<MMForge.Formats.OpenedSource> sources, string dir, ulong seed, int maxPairs)
    {
        var options = new JobOptions
        {
            Stage = SynthesisJob.Stage,
            Rules = Filters.RuleSet.Of(new AnnotationSynthesisStep(new AnnotationQuestions(seed, CocoCategories.Names), seed, maxPairs)),
            Workers = p.GetValue(shared.Workers),
            Shard = shared.ShardOf(p),
            Params = new JsonObject { ["generator"] = AnnotationSynthesisStep.Generator, ["random_seed"] = seed, ["max_turns"] = maxPairs },
        };
        return JobRunner.RunToDataset(options, sources, dir, shared.Output(p));
    }
}
