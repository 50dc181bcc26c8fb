using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.ChatFields;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// Chat records with <c>messages</c> [{role, content}] (LLaMA-Factory's OpenAI-style sharegpt,
/// ChatML, Data-Juicer's chatml demo) and an <c>images</c> list; a top-level <c>system</c> becomes a
/// leading system turn. Reads every content form (<see cref="ChatMessagesReader"/>); writes
/// content as strings with <c>&lt;image&gt;</c> placeholders, system turns as system messages and
/// images as a path list. <see cref="OpenAiMessagesCodec"/> writes the typed-parts form instead.
/// </summary>
public class ChatMessagesCodec : IRecordCodec
{
    public virtual string Name => "messages";
    public virtual string Description => "chat messages: {messages [{role, content}], images [paths]} (LLaMA-Factory, ChatML)";
    public virtual bool EmbedsImages => false;

    public virtual int Match(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array
            ? 10 + CountKeys(record, "images", "system")
            : 0;

    public Sample Decode(JsonElement record)
    {
        var sample = new Sample();
        foreach (var property in RequireObject(record).EnumerateObject())
        {
            switch (property.Name)
            {
                case "id": ReadId(property.Value, sample); break;
                case "messages": ChatMessagesReader.ReadMessages(property.Value, sample); break;
                case "images": ChatMessagesReader.ReadImageList(property.Value, "images", sample); break;
                case "system": ReadSystemPrompt(property.Value, sample); break;
                default: sample.Extra.Set(property.Name, property.Value); break;
            }
        }
        return sample;
    }

    public void Encode(Utf8JsonWriter writer, Sample sample)
    {
        writer.WriteStartObject();
        WriteIdIfAny(writer, sample);
        var images = new Queue<ImageRef>(sample.Images);
        writer.WriteStartArray("messages");
        foreach (var turn in sample.Turns)
        {
            writer.WriteStartObject();
            writer.WriteString("role", Roles.ToChatRole(turn.Role));
            writer.WritePropertyName("content");
            WriteContent(writer, turn.Value, images);
            turn.Extra?.WriteTo(writer);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (images.Count > 0)
        {
            writer.WriteStartArray("images");
            foreach (var image in images) writer.WriteStringValue(ImageUrl(image));
            writer.WriteEndArray();
        }
        sample.Extra.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes one turn's content, taking from <paramref name="images"/> the images it places; the rest go to the <c>images</c> list.</summary>
    protected virtual void WriteContent(Utf8JsonWriter writer, string text, Queue<ImageRef> images) => writer.WriteStringValue(text);

    /// <summary>How an image is named in the output.</summary>
    protected virtual string ImageUrl(ImageRef image) => PathOf(image);
}
