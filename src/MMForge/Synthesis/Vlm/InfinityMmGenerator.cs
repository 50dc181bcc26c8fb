using System.Text.Json.Nodes;
using MMForge.Models;
using MMForge.Records;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.Taxonomy;

namespace MMForge.Synthesis.Vlm;

/// <summary>
/// The Infinity-MM synthesis method (METHOD.md section 4) on any OpenAI-compatible VLM, per
/// image: its tags -> instruction types drawn from the correspondence scores -> for each type,
/// the seed examples of that type whose images are tagged most alike -> a question written by
/// the VLM from the image, the type and the examples -> the question's relevance judged by the
/// VLM -> an answer in one of three styles -> the answer scored 1-10 by the VLM. Candidates
/// under either threshold are dropped with the score; the accepted pairs are packed per image
/// by the writing pass. The types of one image run concurrently; every call is a journaled step.
/// </summary>
public sealed class InfinityMmGenerator : ISampleGenerator
{
    public const string GeneratorName = "vlm";
    public const string NoTagsRule = "synthesis-no-tags";
    public const string NoTypeRule = "synthesis-no-type";
    public const string NoExamplesRule = "synthesis-no-examples";
    public const string ImageRule = "synthesis-image-unreadable";
    public const string IrrelevantRule = "synthesis-question-irrelevant";
    public const string LowScoreRule = "synthesis-answer-low-score";

    public static readonly IReadOnlyList<PromptSpec> Prompts =
    [
        new("question", "type_path", "type_name"),
        new("relevance", "question"),
        new("answer-short", "question"),
        new("answer-brief", "question"),
        new("answer-detailed", "question"),
        new("score", "question", "answer"),
    ];

    private static readonly JsonSchemaFormat QuestionSchema = new("question", """
        {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"], "additionalProperties": false}
        """);

    private static readonly JsonSchemaFormat ScoreSchema = new("score", """
        {"type": "object", "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 10}}, "required": ["score"], "additionalProperties": false}
        """);

    private readonly ModelClient client;
    private readonly CorrespondenceModel correspondence;
    private readonly SeedIndex seeds;
    private readonly PromptTemplates prompts;
    private readonly InfinityMmOptions options;
    private readonly SeedImages seedImages;
    private readonly InstructionTaxonomy taxonomy;

    /// <param name="taxonomy">Names the types in the prompts (a type it does not know is named by its path).</param>
    public InfinityMmGenerator(ModelClient client, CorrespondenceModel correspondence, SeedIndex seeds, PromptTemplates prompts,
        InfinityMmOptions options, InstructionTaxonomy taxonomy)
    {
        options.Validate();
        (this.client, this.correspondence, this.seeds, this.prompts, this.options, this.taxonomy) = (client, correspondence, seeds, prompts, options, taxonomy);
        seedImages = new SeedImages(options.MaxImageSide, options.SeedImageCache);
        Provenance = new JsonObject { ["model"] = client.Model, ["prompts"] = prompts.Version, ["seed"] = options.Seed };
        Parameters = new JsonObject
        {
            ["model"] = client.Model,
            ["prompts"] = prompts.Version,
            ["seed"] = options.Seed,
            ["types_per_image"] = options.TypesPerImage,
            ["type_temperature"] = options.TypeTemperature,
            ["examples"] = options.Examples,
            ["min_relevance"] = options.MinRelevance,
            ["min_answer_score"] = options.MinAnswerScore,
            ["answer_styles"] = options.Styles.ToString(),
            ["temperature"] = options.Temperature,
            ["max_image_side"] = options.MaxImageSide,
            ["correspondence"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(correspondence.ToJson())))[..12],
            ["seed_set"] = seeds.Digest,
        };
    }

    public string Name => GeneratorName;

    public JsonObject Parameters { get; }

    public JsonObject Provenance { get; }

    public async Task<ImageSynthesis> GenerateAsync(Sample sample, GenerationContext context, CancellationToken ct)
    {
        var tags = CorrespondenceModel.TagsOf(sample);
        if (tags.Count == 0) return ImageSynthesis.Refused(NoTagsRule, "the image has no tags to choose instruction types from; run 'mmforge tag' first");
        var types = TypeChooser.Choose(correspondence.Score(tags), options.TypesPerImage, options.TypeTemperature, options.Seed, context.ImageKey);
        if (types.Count == 0) return ImageSynthesis.Refused(NoTypeRule, "no instruction type of the correspondence model matches the image's tags");
        if (sample.Images.Count == 0) return ImageSynthesis.Refused(ImageRule, "the sample has no image");
        MessagePart image;
        try { image = ImageParts.For(sample.Images[0], context.ImageFile, options.MaxImageSide); }
        catch (ImagePartException e) { return ImageSynthesis.Refused(ImageRule, e.Message); }

        var target = new TargetImage(image, tags.Select(t => t.Tag).ToList(), SeedIndex.KeyOf(sample), context);
        var outcomes = await Task.WhenAll(types.Select(t => OneTypeAsync(target, t.Type, ct))).ConfigureAwait(false);
        return new ImageSynthesis(
            [.. outcomes.Select(o => o.Pair).OfType<SynthesizedPair>()],
            [.. outcomes.Select(o => o.Dropped).OfType<DroppedCandidate>()]);
    }

    private sealed record TargetImage(MessagePart Image, IReadOnlyList<string> Tags, string SeedKey, GenerationContext Context);

    private readonly record struct Outcome(SynthesizedPair? Pair, DroppedCandidate? Dropped)
    {
        public static implicit operator Outcome(SynthesizedPair pair) => new(pair, null);

        public static implicit operator Outcome(DroppedCandidate dropped) => new(null, dropped);
    }

    /// <summary>Question, relevance, answer and score for one type; the first failed check ends it.</summary>
    private async Task<Outcome> OneTypeAsync(TargetImage target, string type, CancellationToken ct)
    {
        var steps = target.Context.Steps;
        var examples = Examples(type, target);
        if (examples.Count < options.Examples)
            return new DroppedCandidate(NoExamplesRule, $"the seed set has {examples.Count} usable example(s) of this type with a readable image, {options.Examples} are needed", type);

        var questionReply = await steps.OnceAsync($"question/{type}", () => AskAsync(QuestionMessage(target.Image, type, examples), QuestionSchema, options.Temperature, 256, ct)).ConfigureAwait(false);
        if (Refusals.IsRefusal(questionReply)) return new DroppedCandidate(SynthesisRules.Refusal, "the model declined to write a question: " + ReplyExcerpt.Quoted(questionReply), type);
        if (JudgeReplies.Question(questionReply) is not { } question)
            return new DroppedCandidate(SynthesisRules.BadReply, "the question reply holds no {\"question\": ...}: " + ReplyExcerpt.Quoted(questionReply), type);

        var relevanceReply = await steps.OnceAsync($"relevance/{type}", () => AskAsync(
            WithImage(target.Image, prompts.Render("relevance", ("question", question))), ScoreSchema, 0, 32, ct)).ConfigureAwait(false);
        if (JudgeReplies.Score(relevanceReply) is not { } relevance)
            return new DroppedCandidate(SynthesisRules.BadReply, "the relevance reply holds no score from 1 to 10: " + ReplyExcerpt.Quoted(relevanceReply), type, question);
        if (relevance < options.MinRelevance)
            return new DroppedCandidate(IrrelevantRule, $"question relevance {relevance} is below {options.MinRelevance}", type, question);

        var style = options.Styles.Choose(options.Seed, target.Context.ImageKey + "\0" + type);
        var styleName = style.ToString().ToLowerInvariant();
        var answer = (await steps.OnceAsync($"answer/{type}", () => AskAsync(
            WithImage(target.Image, prompts.Render("answer-" + styleName, ("question", question))), null, options.Temperature, MaxAnswerTokens(style), ct)).ConfigureAwait(false)).Trim();
        if (answer.Length == 0) return new DroppedCandidate(SynthesisRules.BadReply, "the answer is empty", type, question);
        if (Refusals.IsRefusal(answer)) return new DroppedCandidate(SynthesisRules.Refusal, "the model declined to answer", type, question, answer);

        var scoreReply = await steps.OnceAsync($"score/{type}", () => AskAsync(
            WithImage(target.Image, prompts.Render("score", ("question", question), ("answer", answer))), ScoreSchema, 0, 32, ct)).ConfigureAwait(false);
        if (JudgeReplies.Score(scoreReply) is not { } score)
            return new DroppedCandidate(SynthesisRules.BadReply, "the answer score reply holds no score from 1 to 10: " + ReplyExcerpt.Quoted(scoreReply), type, question, answer);
        if (score < options.MinAnswerScore)
            return new DroppedCandidate(LowScoreRule, $"answer score {score} is below {options.MinAnswerScore}", type, question, answer);

        return new SynthesizedPair(question, answer, type, type, new JsonObject
        {
            ["style"] = styleName,
            ["relevance"] = relevance,
            ["score"] = score,
            ["examples"] = new JsonArray([.. examples.Select(e => (JsonNode)e.Seed.Key)]),
        });
    }

    /// <summary>The nearest seeds of the type whose image can be shown, up to the number wanted.</summary>
    private List<(SeedExample Seed, MessagePart Image)> Examples(string type, TargetImage target)
    {
        var chosen = new List<(SeedExample, MessagePart)>(options.Examples);
        if (options.Examples == 0) return chosen;
        // a few spares, for seeds whose image is gone
        foreach (var seed in seeds.Nearest(type, target.Tags, options.Examples * 3, target.SeedKey))
        {
            if (seedImages.For(seed) is { } part) chosen.Add((seed, part));
            if (chosen.Count == options.Examples) break;
        }
        return chosen;
    }

    /// <summary>The examples (image, then its question), then the target image, then the instruction.</summary>
    private ModelMessage QuestionMessage(MessagePart image, string type, List<(SeedExample Seed, MessagePart Image)> examples)
    {
        var parts = new List<MessagePart>();
        for (var i = 0; i < examples.Count; i++)
        {
            parts.Add(new TextPart($"Example {i + 1}:"));
            parts.Add(examples[i].Image);
            parts.Add(new TextPart("Question: " + examples[i].Seed.Question));
        }
        parts.Add(new TextPart(examples.Count > 0 ? "The image to write a question about:" : "The image:"));
        parts.Add(image);
        var (path, name) = taxonomy.TryGet(type, out var node) ? (node.DisplayPath, node.Name) : (type, type);
        parts.Add(new TextPart(prompts.Render("question", ("type_path", path), ("type_name", name))));
        return ModelMessage.User([.. parts]);
    }

    private static ModelMessage WithImage(MessagePart image, string text) => ModelMessage.User(image, new TextPart(text));

    private async Task<string> AskAsync(ModelMessage message, JsonSchemaFormat? schema, float temperature, int maxTokens, CancellationToken ct) =>
        (await client.CompleteAsync(new ModelRequest([message]) { Temperature = temperature, MaxOutputTokens = maxTokens, ResponseSchema = schema }, ct)
            .ConfigureAwait(false)).Text;

    private static int MaxAnswerTokens(AnswerStyle style) => style switch
    {
        AnswerStyle.Short => 64,
        AnswerStyle.Brief => 256,
        _ => 1024,
    };
}
