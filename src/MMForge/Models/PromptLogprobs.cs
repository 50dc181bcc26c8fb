using System.Buffers;
using System.Text.Json;

namespace MMForge.Models;

/// <summary>
/// The log-probability a model gives each token of a prompt, as an OpenAI-compatible
/// <c>/completions</c> endpoint echoes them (<c>echo</c> with <c>logprobs</c>): the tokens' text as
/// the server decoded them one by one, and each token's log-probability given the tokens before it.
/// Only the prompt's tokens are kept (the one token generated alongside is dropped).
/// </summary>
/// <param name="Tokens">The prompt's tokens, in order; their text may hold U+FFFD where a token is a piece of a multi-byte character.</param>
/// <param name="Logprobs">Natural-log probabilities, one per token; null only for the first token, which has nothing before it.</param>
/// <param name="Usage">Tokens the server reported (zero spent again when <paramref name="FromCache"/>).</param>
public sealed record PromptLogprobs(IReadOnlyList<string> Tokens, IReadOnlyList<double?> Logprobs, TokenUsage Usage, bool FromCache)
{
    // Log-probabilities are <= 0; servers round, so allow a hair above (vLLM clamps -inf to -9999).
    private const double Tolerance = 1e-4;

    /// <summary>
    /// Reads a <c>text_completion</c> reply. Keeps the first <c>usage.prompt_tokens</c> tokens when
    /// the server reports it (the echoed prompt; the rest were generated).
    /// </summary>
    /// <exception cref="FormatException">The reply is not a completion with echoed prompt log-probabilities; the message says what is missing.</exception>
    internal static PromptLogprobs ParseReply(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices)
            || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            throw new FormatException("the reply has no choices");
        if (!choices[0].TryGetProperty("logprobs", out var logprobs) || logprobs.ValueKind != JsonValueKind.Object)
            throw new FormatException("the reply has no logprobs (does the server support echo with logprobs on /completions?)");
        var tokens = Strings(Property(logprobs, "tokens"), "tokens");
        var values = Numbers(Property(logprobs, "token_logprobs"), "token_logprobs");
        if (tokens.Count != values.Count)
            throw new FormatException($"the reply has {tokens.Count} tokens but {values.Count} token_logprobs");
        var usage = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
            ? new TokenUsage(Count(u, "prompt_tokens"), Count(u, "completion_tokens"))
            : new TokenUsage(0, 0);
        var promptTokens = usage.PromptTokens > 0 ? usage.PromptTokens : tokens.Count;
        if (promptTokens > tokens.Count)
            throw new FormatException($"the reply echoes {tokens.Count} tokens of a {promptTokens}-token prompt (is echo supported?)");
        if (promptTokens == 0) throw new FormatException("the reply echoes no tokens");
        return new PromptLogprobs(tokens[..promptTokens], values[..promptTokens], usage, FromCache: false);
    }

    /// <summary>The compact form kept in the <see cref="ModelCache"/> (usage goes in its own columns).</summary>
    internal string ToCacheText()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("tokens");
            foreach (var token in Tokens) json.WriteStringValue(token);
            json.WriteEndArray();
            json.WriteStartArray("token_logprobs");
            foreach (var value in Logprobs)
                if (value is { } number) json.WriteNumberValue(number);
                else json.WriteNullValue();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static PromptLogprobs ReadCached(ModelReply cached)
    {
        using var document = JsonDocument.Parse(cached.Text);
        var root = document.RootElement;
        return new PromptLogprobs(Strings(Property(root, "tokens"), "tokens"), Numbers(Property(root, "token_logprobs"), "token_logprobs"),
            cached.Usage, FromCache: true);
    }

    private static JsonElement Property(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : throw new FormatException($"the reply's logprobs have no '{name}' list");

    private static List<string> Strings(JsonElement array, string name) =>
        [.. array.EnumerateArray().Select((token, i) => token.ValueKind == JsonValueKind.String
            ? token.GetString()!
            : throw new FormatException($"{name}[{i}] is not a string"))];

    private static List<double?> Numbers(JsonElement array, string name) =>
        [.. array.EnumerateArray().Select((value, i) => value.ValueKind switch
        {
            // The first token has no context, so no probability; anywhere else null means the server scored nothing.
            JsonValueKind.Null when i == 0 => (double?)null,
            JsonValueKind.Number when value.GetDouble() is var number && double.IsFinite(number) && number <= Tolerance => number,
            _ => throw new FormatException($"{name}[{i}] is not a log-probability: {value.GetRawText()}"),
        })];

    private static int Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0 ? count : 0;
}
