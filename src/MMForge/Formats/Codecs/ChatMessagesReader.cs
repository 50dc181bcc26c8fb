using System.Text;
using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// Reads <c>messages</c> [{role, content}] in every form chat datasets use: content as a string
/// (ChatML, LLaMA-Factory), or as a list of typed parts (OpenAI <c>text</c>/<c>image_url</c>,
/// Qwen/ms-swift <c>image</c>). Parts are joined without separators, as chat templates render
/// them, each image part leaving an <c>&lt;image&gt;</c> placeholder where it stood and adding the
/// image to the sample in order. Unknown keys of a message are kept in the turn's extras.
/// </summary>
public static class ChatMessagesReader
{
    public static void ReadMessages(JsonElement value, Sample sample)
    {
        var index = 0;
        foreach (var message in RequireArray(value, "messages").EnumerateArray())
        {
            var where = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object) throw RecordException.BadField(where, "an object");
            string? role = null, text = null;
            ExtraFields? extra = null;
            foreach (var property in message.EnumerateObject())
            {
                if (property.NameEquals("role")) role = RequireString(property.Value, $"{where}.role");
                else if (property.NameEquals("content")) text = ReadContent(property.Value, $"{where}.content", sample);
                else (extra ??= new()).Set(property.Name, property.Value);
            }
            if (role is null) throw RecordException.BadField($"{where}.role", "present");
            sample.Turns.Add(new Turn(Roles.Normalize(role), text ?? "") { Extra = extra });
        }
    }

    /// <summary>An <c>images</c> list of paths, or of data URLs for embedded images.</summary>
    public static void ReadImageList(JsonElement value, string field, Sample sample)
    {
        var index = 0;
        foreach (var url in ReadPathOrList(value, field)) sample.Images.Add(ImageFromUrl(url, $"{field}[{index++}]"));
    }

    /// <summary>True when some message has its content as a list of parts (the OpenAI form).</summary>
    public static bool HasContentParts(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object
        && record.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
        && messages.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array);

    private static string ReadContent(JsonElement content, string field, Sample sample)
    {
        if (content.ValueKind != JsonValueKind.Array) return OptString(content, field) ?? "";
        var text = new StringBuilder();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var where = $"{field}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object) throw RecordException.BadField(where, "an object");
            var type = part.TryGetProperty("type", out var t) ? OptString(t, $"{where}.type") : null;
            switch (type)
            {
                case "text":
                    text.Append(RequireString(Member(part, "text", where), $"{where}.text"));
                    break;
                case "image_url":
                    sample.Images.Add(ImageFromUrl(ImageUrl(Member(part, "image_url", where), $"{where}.image_url"), $"{where}.image_url"));
                    text.Append(Sample.ImageToken);
                    break;
                case "image":
                    sample.Images.Add(ImageFromUrl(RequireString(Member(part, "image", where), $"{where}.image"), $"{where}.image"));
                    text.Append(Sample.ImageToken);
                    break;
                default:
                    throw RecordException.BadField($"{where}.type", $"\"text\", \"image_url\" or \"image\", found {(type is null ? "none" : $"\"{type}\"")}");
            }
        }
        return text.ToString();
    }

    private static JsonElement Member(JsonElement part, string name, string where) =>
        part.TryGetProperty(name, out var value) ? value : throw RecordException.BadField($"{where}.{name}", "present");

    /// <summary>OpenAI writes {"url": ...} (other keys such as "detail" are rendering hints and are not kept); some datasets write the URL directly.</summary>
    private static string ImageUrl(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Object
            ? RequireString(Member(value, "url", field), $"{field}.url")
            : RequireString(value, field);

    /// <summary>A data: URL carries the image itself; anything else (http, file, a plain path) is kept as the path.</summary>
    private static ImageRef ImageFromUrl(string url, string field) =>
        DataUrl.IsDataUrl(url) ? new ImageRef { Bytes = DataUrl.Decode(url, field) } : ImageRef.FromPath(url);
}
