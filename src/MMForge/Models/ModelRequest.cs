using System.Text.Json;

namespace MMForge.Models;

/// <summary>One chat completion request. Everything here (images by digest) is part of the cache key.</summary>
public sealed record ModelRequest(IReadOnlyList<ModelMessage> Messages)
{
    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? MaxOutputTokens { get; init; }

    /// <summary>Asked for as structured output when the client and the server allow; the reply is JSON text either way.</summary>
    public JsonSchemaFormat? ResponseSchema { get; init; }
}

/// <summary>A named JSON schema for structured output.</summary>
public sealed record JsonSchemaFormat
{
    public JsonSchemaFormat(string name, string schema)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a JSON schema format needs a name", nameof(name));
        try { using var _ = JsonDocument.Parse(schema); }
        catch (JsonException e) { throw new ArgumentException($"JSON schema '{name}' is not valid JSON: {e.Message}", nameof(schema)); }
        Name = name;
        Schema = schema;
    }

    public string Name { get; }

    /// <summary>The schema as JSON text.</summary>
    public string Schema { get; }
}

/// <summary>A reply: the assistant text and what it cost (zero tokens spent again when it came from the cache).</summary>
public sealed record ModelReply(string Text, TokenUsage Usage, bool FromCache);

public sealed record TokenUsage(int PromptTokens, int CompletionTokens);
