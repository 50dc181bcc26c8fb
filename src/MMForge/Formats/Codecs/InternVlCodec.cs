using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats.Codecs;

/// <summary>
/// InternVL fine-tuning records: LLaVA's shape plus <c>width</c>/<c>height</c> of the image.
/// A single image's size maps to <see cref="ImageRef.Width"/>/<see cref="ImageRef.Height"/>;
/// for a list of images InternVL writes lists of sizes, which are kept as extra fields (and
/// only a single image's size is written back).
/// </summary>
public sealed class InternVlCodec : LlavaCodec
{
    public override string Name => "internvl";
    public override string Description => "InternVL: LLaVA records with image width/height, as a JSON array or JSON Lines (also the annotation files of an InternVL meta file)";

    /// <summary>Just below LLaVA for plain records (they read the same either way), above it when sizes are present.</summary>
    public override int Match(JsonElement record)
    {
        var llava = base.Match(record);
        if (llava == 0) return 0;
        var sizes = JsonFields.CountKeys(record, "width", "height");
        return sizes > 0 ? llava + 1 + sizes : llava - 1;
    }

    protected override void ResolveCrossFields(JsonElement record, Sample sample)
    {
        if (sample.Images.Count != 1) return;
        sample.Images[0].Width = TakeSize(record, sample, "width");
        sample.Images[0].Height = TakeSize(record, sample, "height");
    }

    private static int? TakeSize(JsonElement record, Sample sample, string field)
    {
        // a list belongs to a list of images; null says nothing: both stay extra as written
        if (!record.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Array or JsonValueKind.Null) return null;
        var size = JsonFields.OptInt(value, field);
        sample.Extra.Remove(field);
        return size;
    }

    protected override void EncodeFields(Utf8JsonWriter writer, Sample sample)
    {
        base.EncodeFields(writer, sample);
        if (sample.Images is not [var image]) return;
        if (image.Width is { } width) writer.WriteNumber("width", width);
        if (image.Height is { } height) writer.WriteNumber("height", height);
    }
}
