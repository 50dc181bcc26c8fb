using System.Text.Json;
using System.Text.Json.Nodes;
using MMForge.Models;
using MMForge.Records;

namespace MMForge.Synthesis.Llm;

/// <summary>
/// The LLaVA/SVIT way of making instruction data (<c>--generator llm</c>): a text-only model is
/// given an image's captions and boxes as text (<see cref="ImageContext"/>) and, with a few
/// hand-written examples per kind, writes a conversation about the image, a detailed
/// description, and a complex reasoning question with its answer, as if it were looking at the
/// image. One model call per kind and image, each a journaled step ("llm/conversation", ...),
/// so a rerun asks only what is missing. The replies are read and screened by
/// <see cref="ReplyReader"/>. Templates: <c>Synthesis/Prompts/llm-*.txt</c> (docs/prompts.md).
/// </summary>
public sealed class LlmContextGenerator : ISampleGenerator
{
    public const string GeneratorName = "llm";
    public const string NoContextRule = "synthesis-no-context";

    /// <summary>The template that lists the instructions asking for a detailed description, one a line.</summary>
    public const string DescriptionInstructionsTemplate = "description-instructions";

    public const string SystemTemplate = "system";

    private static readonly IReadOnlyList<PromptSpec> Specs =
    [
        new(SystemTemplate),
        new(LlmKinds.Conversation, "context"),
        new(LlmKinds.DetailedDescription, "context"),
        new(LlmKinds.ComplexReasoning, "context"),
        new(DescriptionInstructionsTemplate),
    ];

    private static readonly Dictionary<string, JsonSchemaFormat> Schemas = new(StringComparer.Ordinal)
    {
        [LlmKinds.Conversation] = Schema("conversation", new
        {
            conversation = new { type = "array", minItems = 1, items = QuestionAnswer() },
        }),
        [LlmKinds.DetailedDescription] = Schema("description", new { description = new { type = "string" } }),
        [LlmKinds.ComplexReasoning] = new JsonSchemaFormat("question_answer", JsonSerializer.Serialize(QuestionAnswer())),
    };

    private readonly ModelClient client;
    private readonly LlmGeneratorOptions options;
    private readonly PromptTemplates prompts;
    private readonly ReplyReader reader;

    /// <exception cref="ArgumentException">The options are invalid, or a template in <see cref="LlmGeneratorOptions.PromptDirectory"/> is.</exception>
    public LlmContextGenerator(ModelClient client, LlmGeneratorOptions? options = null)
    {
        this.client = client;
        this.options = options ?? new LlmGeneratorOptions();
        this.options.Validate();
        prompts = new PromptTemplates(GeneratorName, Specs, this.options.PromptDirectory);
        var instructions = prompts.Render(DescriptionInstructionsTemplate).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (instructions.Count == 0)
            throw new ArgumentException($"prompt template {PromptTemplates.FileName(GeneratorName, DescriptionInstructionsTemplate)} lists no instruction; it needs one a line");
        reader = new ReplyReader(instructions, this.options.Seed);
    }

    public string Name => GeneratorName;

    /// <summary>The template version in use (<c>llm@digest</c>).</summary>
    public string PromptsVersion => prompts.Version;

    public JsonObject Parameters => new()
    {
        ["model"] = client.Model,
        ["prompts"] = prompts.Version,
        ["kinds"] = new JsonArray([.. options.Kinds.Select(k => JsonValue.Create(k))]),
        ["seed"] = options.Seed,
        ["temperature"] = options.Temperature,
        ["max_output_tokens"] = options.MaxOutputTokens,
        ["max_captions"] = options.MaxCaptions,
        ["max_objects"] = options.MaxObjects,
    };

    public JsonObject Provenance => new()
    {
        ["model"] = client.Model,
        ["prompts"] = prompts.Version,
        ["seed"] = options.Seed,
    };

    public async Task<ImageSynthesis> GenerateAsync(Sample sample, GenerationContext context, CancellationToken ct)
    {
        if (ImageContext.Of(sample, options.MaxCaptions, options.MaxObjects) is not { } described)
            return ImageSynthesis.Refused(NoContextRule, sample.Annotations is { Boxes.Count: > 0 }
                ? "it has no captions, and its boxes cannot be placed (pixel boxes without the image's size, or boxes outside the image)"
                : "it has neither captions nor boxes to describe the image with");

        var pairs = new List<SynthesizedPair>();
        var dropped = new List<DroppedCandidate>();
        foreach (var kind in options.Kinds)
        {
            var reply = await context.Steps.OnceAsync(LlmKinds.StepName(kind), () => AskAsync(kind, described.Text, ct)).ConfigureAwait(false);
            var read = reader.Read(kind, reply, context.ImageKey);
            pairs.AddRange(read.Pairs);
            dropped.AddRange(read.Dropped);
        }
        return new ImageSynthesis(pairs, dropped);
    }

    private async Task<string> AskAsync(string kind, string imageContext, CancellationToken ct)
    {
        var request = new ModelRequest([ModelMessage.System(prompts.Render(SystemTemplate)), ModelMessage.User(prompts.Render(kind, ("context", imageContext)))])
        {
            Temperature = options.Temperature,
            MaxOutputTokens = options.MaxOutputTokens,
            ResponseSchema = Schemas[kind],
        };
        return (await client.CompleteAsync(request, ct).ConfigureAwait(false)).Text;
    }

    private static object QuestionAnswer() => new
    {
        type = "object",
        properties = new { question = new { type = "string" }, answer = new { type = "string" } },
        required = new[] { "question", "answer" },
        additionalProperties = false,
    };

    /// <summary>An object schema whose every property is required.</summary>
    private static JsonSchemaFormat Schema(string name, object properties) => new(name, JsonSerializer.Serialize(new
    {
        type = "object",
        properties,
        required = JsonSerializer.SerializeToElement(properties).EnumerateObject().Select(p => p.Name).ToArray(),
        additionalProperties = false,
    }));
}
