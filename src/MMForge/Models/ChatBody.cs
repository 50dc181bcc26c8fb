using System.Buffers;
using System.Text.Json;

namespace MMForge.Models;

/// <summary>
/// The JSON of a chat completion request and the reading of its reply, written directly rather
/// than through the SDK's object model: the SDK sends it through its protocol method (same
/// pipeline, key header, timeout), and building the SDK's message objects and serialising them
/// cost more CPU than the rest of a request, which at thousands of requests a second decides
/// the throughput. The body is what the OpenAI chat API and every compatible server read.
/// </summary>
internal static class ChatBody
{
    public static BinaryData Write(string model, ModelRequest request, bool withSchema)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            foreach (var message in request.Messages) WriteMessage(json, message);
            json.WriteEndArray();
            if (request.Temperature is { } temperature) json.WriteNumber("temperature", temperature);
            if (request.TopP is { } topP) json.WriteNumber("top_p", topP);
            // max_tokens rather than max_completion_tokens: every compatible server reads it
            if (request.MaxOutputTokens is { } max) json.WriteNumber("max_tokens", max);
            if (withSchema && request.ResponseSchema is { } schema)
            {
                json.WriteStartObject("response_format");
                json.WriteString("type", "json_schema");
                json.WriteStartObject("json_schema");
                json.WriteString("name", schema.Name);
                json.WritePropertyName("schema");
                json.WriteRawValue(schema.Schema);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return BinaryData.FromBytes(buffer.WrittenMemory);
    }

    /// <summary>The assistant text and token usage of a chat completion reply.</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    /// <exception cref="FormatException">It is JSON but not a chat completion (no choices, no message).</exception>
    public static ModelReply Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array
            || choices.GetArrayLength() == 0 || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            throw new FormatException("no choices[0].message");
        var text = message.TryGetProperty("content", out var content) ? content.ValueKind switch
        {
            JsonValueKind.String => content.GetString()!,
            // some servers answer in parts, as requests may be written
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(part => part.GetProperty("text").GetString())),
            _ => "",
        } : "";
        return new ModelReply(text, new TokenUsage(Count(root, "prompt_tokens"), Count(root, "completion_tokens")), FromCache: false);
    }

    private static int Count(JsonElement root, string name) =>
        root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
        && usage.TryGetProperty(name, out var count) && count.TryGetInt32(out var n) ? n : 0;

    private static void WriteMessage(Utf8JsonWriter json, ModelMessage message)
    {
        json.WriteStartObject();
        json.WriteString("role", message.Role switch
        {
            MessageRole.System => "system",
            MessageRole.Assistant => "assistant",
            _ => "user",
        });
        if (message.Parts.All(part => part is TextPart))
        {
            // text alone goes as a plain string: some servers accept nothing else without images
            json.WriteString("content", string.Concat(message.Parts.Select(part => ((TextPart)part).Text)));
        }
        else
        {
            if (message.Role != MessageRole.User) throw new ArgumentException($"{message.Role} messages carry text only; images go in user messages");
            json.WriteStartArray("content");
            foreach (var part in message.Parts) WritePart(json, part);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter json, MessagePart part)
    {
        json.WriteStartObject();
        switch (part)
        {
            case TextPart text:
                json.WriteString("type", "text");
                json.WriteString("text", text.Text);
                break;
            case ImagePart image:
                WriteImageUrl(json, DataUrl(image));
                break;
            case ImageUrlPart url:
                WriteImageUrl(json, url.Url.AbsoluteUri);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(part), part.GetType().Name, "unknown message part");
        }
        json.WriteEndObject();
    }

    /// <summary>An image part: inline as a data URL or fetched by the server, the same shape either way.</summary>
    private static void WriteImageUrl(Utf8JsonWriter json, string url)
    {
        json.WriteString("type", "image_url");
        json.WriteStartObject("image_url");
        json.WriteString("url", url);
        json.WriteEndObject();
    }

    private static string DataUrl(ImagePart image)
    {
        var prefix = $"data:{image.MediaType};base64,";
        var bytes = image.Bytes.Span;
        return string.Create(prefix.Length + (bytes.Length + 2) / 3 * 4, (prefix, image.Bytes), static (chars, state) =>
        {
            state.prefix.CopyTo(chars);
            Convert.TryToBase64Chars(state.Bytes.Span, chars[state.prefix.Length..], out _);
        });
    }
}
