using System.Text.Json;
using MMForge.Models;
using MMForge.Records;

namespace MMForge.Tagging.ModelTaggers;

/// <summary>One position a classifier may answer: its id path (e.g. <c>coarse_perception/image_scene/identify_weather</c>) and the name people read.</summary>
public sealed record TaxonomyChoice(string Path, string DisplayName);

/// <summary>The classifier's answer: a tag, or null and the reason; <see cref="Replies"/> counts the model replies read (1 or 2).</summary>
public sealed record ClassificationResult(InstructionTag? Tag, string? FailureReason, int Replies);

/// <summary>
/// Places an instruction in the instruction taxonomy by asking a chat model to pick one path from
/// the list of valid ones (<see cref="SystemPromptTemplate"/>). The reply must name a listed path
/// exactly, or its display name in any case; an invalid reply is answered once with
/// <see cref="CorrectionTemplate"/>, and a second invalid reply gives up with the reason. Both
/// calls go through the model client, so a rerun replays them from its cache.
/// </summary>
public sealed class LlmInstructionClassifier
{
    /// <summary>The <see cref="InstructionTag.By"/> of every tag this classifier produces.</summary>
    public const string By = "llm";

    /// <summary>
    /// The system message; <c>{choices}</c> becomes one line per choice, <c>path: display name</c>.
    /// The list sits in the system message so that a server's prefix cache shares it between instructions.
    /// </summary>
    public const string SystemPromptTemplate = """
        You classify instructions given to a vision-language assistant by the ability they test.
        The instruction refers to an image you cannot see; classify what it asks for, not its answer.
        Choose exactly one path from this list (path: name):
        {choices}
        Answer with JSON only, in the form {"path": "<one path from the list>"}.
        """;

    /// <summary>The user message carrying the instruction; <c>{instruction}</c> is replaced by it.</summary>
    public const string InstructionTemplate = """
        Instruction to classify:
        <<<
        {instruction}
        >>>
        """;

    /// <summary>Sent after an invalid reply; <c>{reply}</c> is replaced by (the start of) that reply.</summary>
    public const string CorrectionTemplate = """
        "{reply}" is not one of the listed paths. Answer again with exactly one path copied from the list, as {"path": "..."}.
        """;

    private readonly ModelClient client;
    private readonly HashSet<string> paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> pathByDisplayName = new(StringComparer.OrdinalIgnoreCase);
    private readonly string systemPrompt;
    private readonly JsonSchemaFormat schema;
    private readonly int maxInstructionChars;

    /// <param name="choices">The valid answers; display names shared by several paths are accepted for none of them.</param>
    /// <param name="maxInstructionChars">Longer instructions are cut: the start says what is asked, and the rest only costs tokens.</param>
    public LlmInstructionClassifier(ModelClient client, IReadOnlyList<TaxonomyChoice> choices, int maxInstructionChars = 4000)
    {
        if (choices.Count == 0) throw new ArgumentException("an instruction classifier needs at least one taxonomy path", nameof(choices));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInstructionChars, 1);
        this.client = client;
        this.maxInstructionChars = maxInstructionChars;
        var ambiguous = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var choice in choices)
        {
            if (string.IsNullOrWhiteSpace(choice.Path)) throw new ArgumentException("a taxonomy path is empty", nameof(choices));
            if (!paths.Add(choice.Path)) throw new ArgumentException($"taxonomy path '{choice.Path}' is listed twice", nameof(choices));
            if (!pathByDisplayName.TryAdd(choice.DisplayName, choice.Path)) ambiguous.Add(choice.DisplayName);
        }
        foreach (var name in ambiguous) pathByDisplayName.Remove(name);
        systemPrompt = SystemPromptTemplate.Replace("{choices}", string.Join('\n', choices.Select(c => $"{c.Path}: {c.DisplayName}")), StringComparison.Ordinal);
        schema = new JsonSchemaFormat("instruction_type", JsonSerializer.Serialize(new
        {
            type = "object",
            properties = new { path = new { type = "string", @enum = choices.Select(c => c.Path) } },
            required = new[] { "path" },
            additionalProperties = false,
        }));
    }

    /// <exception cref="ModelCallException">The model could not be asked (after the client's retries).</exception>
    public async Task<ClassificationResult> ClassifyAsync(string instruction, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(instruction)) return new ClassificationResult(null, "the instruction is empty", 0);
        var text = instruction.Length <= maxInstructionChars ? instruction : instruction[..maxInstructionChars];
        List<ModelMessage> messages =
        [
            ModelMessage.System(systemPrompt),
            ModelMessage.User(InstructionTemplate.Replace("{instruction}", text, StringComparison.Ordinal)),
        ];
        var first = await AskAsync(messages, ct).ConfigureAwait(false);
        if (Match(first) is { } path) return Found(path, replies: 1);

        messages.Add(ModelMessage.Assistant(first));
        messages.Add(ModelMessage.User(CorrectionTemplate.Replace("{reply}", ReplyExcerpt.Of(first), StringComparison.Ordinal)));
        var second = await AskAsync(messages, ct).ConfigureAwait(false);
        return Match(second) is { } corrected
            ? Found(corrected, replies: 2)
            : new ClassificationResult(null, $"the model named no listed taxonomy path, twice: \"{ReplyExcerpt.Of(first)}\", then \"{ReplyExcerpt.Of(second)}\"", 2);
    }

    private async Task<string> AskAsync(List<ModelMessage> messages, CancellationToken ct)
    {
        var request = new ModelRequest([.. messages]) { Temperature = 0, MaxOutputTokens = 128, ResponseSchema = schema };
        return (await client.CompleteAsync(request, ct).ConfigureAwait(false)).Text;
    }

    private static ClassificationResult Found(string path, int replies) => new(new InstructionTag(path, null, By), null, replies);

    /// <summary>The listed path a reply names: <c>{"path": ...}</c> or the bare text, as an id or a display name.</summary>
    private string? Match(string reply)
    {
        var answer = JsonReply.TryParse(reply, out var json) && json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String
            ? path.GetString()!
            : reply;
        answer = answer.Trim().Trim('"', '\'', '`', '.').Trim();
        if (paths.Contains(answer)) return answer;
        return pathByDisplayName.GetValueOrDefault(answer);
    }
}
