using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// LLaVA instruction records: <c>id</c> (string or integer), <c>image</c> (a path or a list),
/// <c>conversations</c> [{from, value}]. Any other key is kept. The InternVL and Infinity-MM
/// codecs extend this shape.
/// </summary>
public class LlavaCodec : IRecordCodec
{
    public virtual string Name => "llava";
    public virtual string Description => "LLaVA: {id, image (path or list), conversations [{from, value}]} as a JSON array or JSON Lines";

    public virtual int Match(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("conversations", out var c) && c.ValueKind == JsonValueKind.Array
            ? 10 + CountKeys(record, "id", "image")
            : 0;

    public Sample Decode(JsonElement record)
    {
        var sample = new Sample();
        foreach (var property in RequireObject(record).EnumerateObject())
            if (!DecodeField(property, sample))
                sample.Extra.Set(property.Name, property.Value);
        ResolveCrossFields(record, sample);
        return sample;
    }

    /// <summary>
    /// Runs once the whole record has been read, for fields that only make sense together
    /// with others (a width with the image it measures, tag scores with their tags): JSON does
    /// not fix key order, so <see cref="DecodeField"/> leaves them in <see cref="Sample.Extra"/>
    /// and this moves them into the unified slots; whatever cannot be resolved stays extra, in
    /// its original position.
    /// </summary>
    protected virtual void ResolveCrossFields(JsonElement record, Sample sample)
    {
    }

    /// <summary>Reads one known field into the sample; false leaves it for <see cref="Sample.Extra"/>.</summary>
    protected virtual bool DecodeField(JsonProperty property, Sample sample)
    {
        switch (property.Name)
        {
            case "id": ReadId(property.Value, sample); return true;
            case "image": ReadImagePaths(property.Value, "image", sample); return true;
            case "conversations": ReadTurns(property.Value, "conversations", "from", "value", sample.Turns); return true;
            default: return false;
        }
    }

    public void Encode(Utf8JsonWriter writer, Sample sample)
    {
        writer.WriteStartObject();
        WriteId(writer, sample);
        EncodeFields(writer, sample);
        sample.Extra.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes the known fields after the id.</summary>
    protected virtual void EncodeFields(Utf8JsonWriter writer, Sample sample)
    {
        if (sample.Images.Count > 0) WritePathOrList(writer, "image", sample.Images);
        WriteTurns(writer, "conversations", sample.Turns, "from", "value", role => role);
    }
}
