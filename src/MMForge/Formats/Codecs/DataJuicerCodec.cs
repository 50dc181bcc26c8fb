using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.ChatFields;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// Data-Juicer multimodal records: <c>text</c> with <c>&lt;__dj__image&gt;</c> tokens where images
/// stand and <c>&lt;|__dj__eoc|&gt;</c> ending each chunk, plus an <c>images</c> path list. The text
/// becomes <see cref="Sample.Text"/> with the image tokens as <c>&lt;image&gt;</c> (chunk ends kept
/// verbatim); there are no turns. Written back the other way round. A dialogue (turns, no text)
/// is written with its turn values joined by newlines, the text a Data-Juicer text op would
/// see; its roles are not kept. Other keys (Data-Juicer's stats and meta) stay extra.
/// </summary>
public sealed class DataJuicerCodec : IRecordCodec
{
    public const string ImageToken = "<__dj__image>";
    public const string ChunkEnd = "<|__dj__eoc|>";

    public string Name => "datajuicer";
    public string Description => "Data-Juicer: {text with <__dj__image> and <|__dj__eoc|> tokens, images [paths]}";

    /// <summary>Any record whose text is a string is Data-Juicer text; image tokens or an images list make it certain.</summary>
    public int Match(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object || !record.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            return 0;
        var tokens = text.GetString()!.Contains(ImageToken, StringComparison.Ordinal) ? 5 : 0;
        return 5 + tokens + 5 * CountKeys(record, "images");
    }

    public Sample Decode(JsonElement record)
    {
        var sample = new Sample();
        foreach (var property in RequireObject(record).EnumerateObject())
        {
            switch (property.Name)
            {
                case "id": ReadId(property.Value, sample); break;
                case "text": sample.Text = OptString(property.Value, "text")?.Replace(ImageToken, Sample.ImageToken, StringComparison.Ordinal); break;
                case "images": ReadImagePaths(property.Value, "images", sample); break;
                default: sample.Extra.Set(property.Name, property.Value); break;
            }
        }
        return sample;
    }

    public void Encode(Utf8JsonWriter writer, Sample sample)
    {
        writer.WriteStartObject();
        WriteIdIfAny(writer, sample);
        if (TextOf(sample) is { } text) writer.WriteString("text", text.Replace(Sample.ImageToken, ImageToken, StringComparison.Ordinal));
        if (sample.Images.Count > 0) WritePathList(writer, "images", sample.Images);
        sample.Extra.WriteTo(writer);
        writer.WriteEndObject();
    }

    private static string? TextOf(Sample sample) =>
        sample.Text ?? (sample.Turns.Count > 0 ? string.Join("\n", sample.Turns.Select(t => t.Value)) : null);
}
