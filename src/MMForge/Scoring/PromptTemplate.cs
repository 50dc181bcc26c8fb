using System.Text;
using MMForge.Records;

namespace MMForge.Scoring;

/// <summary>
/// How a sample's conversation is written as one text prompt for a completions endpoint, and
/// where its answers are in that text. Each turn is written as prefix + text + suffix by role;
/// <c>&lt;image&gt;</c> placeholders stay in the text as written (a text endpoint sees no image).
/// The answer spans cover the assistant turns' text only, not the markers around it.
/// </summary>
/// <param name="Name">The name used by <c>--template</c> and recorded in the manifest.</param>
/// <param name="DefaultSystem">System text written when the sample has no system turn (as the model's own chat template adds it); null for none.</param>
public sealed record PromptTemplate(
    string Name,
    string SystemPrefix, string SystemSuffix,
    string UserPrefix, string UserSuffix,
    string AssistantPrefix, string AssistantSuffix,
    string? DefaultSystem)
{
    /// <summary>
    /// Qwen2-VL's chat template (the model family Infinity-MM scored with), ChatML markers, with its
    /// default system message: <c>&lt;|im_start|&gt;role\ntext&lt;|im_end|&gt;\n</c> per turn.
    /// </summary>
    public static PromptTemplate ChatMl { get; } = new("chatml",
        "<|im_start|>system\n", "<|im_end|>\n",
        "<|im_start|>user\n", "<|im_end|>\n",
        "<|im_start|>assistant\n", "<|im_end|>\n",
        "You are a helpful assistant.");

    /// <summary>LLaVA-1.5's <c>vicuna_v1</c> conversation: <c>USER: ... ASSISTANT: ...&lt;/s&gt;</c> after its system line.</summary>
    public static PromptTemplate Vicuna { get; } = new("vicuna",
        "", " ",
        "USER: ", " ",
        "ASSISTANT: ", "</s>",
        "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.");

    /// <summary>Roles as plain words on their own lines, no special tokens: for base models.</summary>
    public static PromptTemplate Plain { get; } = new("plain",
        "", "\n\n",
        "User: ", "\n",
        "Assistant: ", "\n\n",
        null);

    public static IReadOnlyList<PromptTemplate> All { get; } = [ChatMl, Vicuna, Plain];

    /// <exception cref="ArgumentException">No template has that name; the message lists them.</exception>
    public static PromptTemplate Named(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown prompt template '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>
    /// The sample as a prompt. Turns with a role other than system, human and gpt are written as
    /// user turns (their text is context, never an answer).
    /// </summary>
    public RenderedPrompt Render(Sample sample)
    {
        var text = new StringBuilder();
        var answers = new List<Range>();
        if (DefaultSystem is not null && !sample.Turns.Any(t => t.Role == Roles.System))
            text.Append(SystemPrefix).Append(DefaultSystem).Append(SystemSuffix);
        foreach (var turn in sample.Turns)
        {
            var (prefix, suffix) = turn.Role switch
            {
                Roles.System => (SystemPrefix, SystemSuffix),
                Roles.Gpt => (AssistantPrefix, AssistantSuffix),
                _ => (UserPrefix, UserSuffix),
            };
            text.Append(prefix);
            var start = text.Length;
            text.Append(turn.Value);
            if (turn.Role == Roles.Gpt) answers.Add(start..text.Length);
            text.Append(suffix);
        }
        return new RenderedPrompt(text.ToString(), answers);
    }
}

/// <summary>A conversation written as one prompt, with the character ranges (UTF-16) of its answers.</summary>
public sealed record RenderedPrompt(string Text, IReadOnlyList<Range> Answers);
