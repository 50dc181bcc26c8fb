using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace MMForge.Models;

/// <summary>
/// The cache key of a request: hex SHA-256 of a canonical JSON of (model, messages with images
/// replaced by their SHA-256, parameters). No endpoint URL and no API key go in, so a cache
/// answers for any replica of the model and can be shared. Prompt log-probability requests have
/// keys of their own shape (<see cref="ForPromptLogprobs"/>), so the two kinds never meet.
/// </summary>
internal static class RequestKey
{
    // Bump when the canonical form changes, so old entries are not read under a new meaning.
    private const string Version = "mmforge-model-cache/1";

    // A prefix no chat key (bare hex) can carry: the two key spaces are disjoint by construction.
    private const string PromptLogprobsPrefix = "prompt-logprobs/1/";

    public static string Compute(string model, ModelRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("v", Version);
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            foreach (var message in request.Messages) WriteMessage(json, message);
            json.WriteEndArray();
            WriteNumber(json, "temperature", request.Temperature);
            WriteNumber(json, "top_p", request.TopP);
            if (request.MaxOutputTokens is { } max) json.WriteNumber("max_tokens", max);
            if (request.ResponseSchema is { } schema)
            {
                json.WriteString("schema_name", schema.Name);
                json.WriteString("schema", schema.Schema);
            }
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>The key of a prompt log-probability request: everything it sends besides the fixed parameters.</summary>
    public static string ForPromptLogprobs(string model, string prompt)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("prompt", prompt);
            json.WriteEndObject();
        }
        return PromptLogprobsPrefix + Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteMessage(Utf8JsonWriter json, ModelMessage message)
    {
        json.WriteStartObject();
        json.WriteString("role", message.Role.ToString());
        json.WriteStartArray("parts");
        foreach (var part in message.Parts)
        {
            json.WriteStartObject();
            switch (part)
            {
                case TextPart text: json.WriteString("text", text.Text); break;
                case ImagePart image: json.WriteString("image_sha256", image.Sha256); json.WriteString("media_type", image.MediaType); break;
                case ImageUrlPart url: json.WriteString("image_url", url.Url.AbsoluteUri); break;
                default: throw new ArgumentOutOfRangeException(nameof(message), part.GetType().Name, "unknown message part");
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, float? value)
    {
        if (value is { } number) json.WriteNumber(name, number);
    }
}
