using System.Text;
using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats.Codecs;

/// <summary>
/// OpenAI-style chat records: a turn holding <c>&lt;image&gt;</c> placeholders is written as typed
/// parts, text runs as {type: text} and each placeholder as {type: image_url} of the next image:
/// a base64 data URL when the bytes are at hand (so outputs are self-contained), else its path.
/// Turns without images keep string content. Images beyond the placeholders go to the
/// <c>images</c> list and placeholders beyond the images stay literal text, so nothing is lost.
/// </summary>
public sealed class OpenAiMessagesCodec : ChatMessagesCodec
{
    public override string Name => "openai";
    public override string Description => "OpenAI chat messages with typed content parts (text, image_url with data URLs or paths; Qwen 'image' parts are read too)";
    public override bool EmbedsImages => true;

    /// <summary>Any content given as a list of parts makes the record OpenAI-style; plain string content is left to "messages".</summary>
    public override int Match(JsonElement record) =>
        ChatMessagesReader.HasContentParts(record) ? base.Match(record) + 10 : 0;

    protected override void WriteContent(Utf8JsonWriter writer, string text, Queue<ImageRef> images)
    {
        if (images.Count == 0 || !text.Contains(Sample.ImageToken, StringComparison.Ordinal))
        {
            writer.WriteStringValue(text);
            return;
        }
        writer.WriteStartArray();
        var pending = new StringBuilder();
        var segments = text.Split(Sample.ImageToken);
        for (var i = 0; i < segments.Length; i++)
        {
            pending.Append(segments[i]);
            if (i == segments.Length - 1) break;
            if (!images.TryDequeue(out var image))
            {
                pending.Append(Sample.ImageToken);
                continue;
            }
            WriteTextPart(writer, pending);
            writer.WriteStartObject();
            writer.WriteString("type", "image_url");
            writer.WriteStartObject("image_url");
            writer.WriteString("url", ImageUrl(image));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        WriteTextPart(writer, pending);
        writer.WriteEndArray();
    }

    private static void WriteTextPart(Utf8JsonWriter writer, StringBuilder text)
    {
        if (text.Length == 0) return;
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text.ToString());
        writer.WriteEndObject();
        text.Clear();
    }

    protected override string ImageUrl(ImageRef image) => image.Bytes is { } bytes ? DataUrl.Encode(bytes) : base.ImageUrl(image);
}
