using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// LLaVA's caption-and-box records, the input it generated instructions from
/// (caps_boxes_coco2014_val_80.jsonl): {id, image, captions [..], instances [{category, bbox
/// [x1, y1, x2, y2] as fractions of the image}]}. Captions and boxes become
/// <see cref="Sample.Annotations"/>; other keys of a record or an instance are kept. Pixel boxes
/// are written normalized, which needs the image size.
/// </summary>
public sealed class CapsBoxesCodec : IRecordCodec
{
    public string Name => "caps-boxes";
    public string Description => "LLaVA captions + boxes: {id, image, captions [..], instances [{category, bbox [x1,y1,x2,y2] normalized}]}";

    public int Match(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object
        && record.TryGetProperty("captions", out var c) && c.ValueKind == JsonValueKind.Array
        && record.TryGetProperty("instances", out var i) && i.ValueKind == JsonValueKind.Array
            ? 20 + CountKeys(record, "id", "image")
            : 0;

    public Sample Decode(JsonElement record)
    {
        var sample = new Sample();
        var annotations = new Annotations();
        foreach (var p in RequireObject(record).EnumerateObject())
        {
            switch (p.Name)
            {
                case "id": ReadId(p.Value, sample); break;
                case "image": ReadImagePaths(p.Value, "image", sample); break;
                case "captions":
                    annotations.Captions.AddRange(RequireArray(p.Value, "captions").EnumerateArray().Select((c, i) => RequireString(c, $"captions[{i}]")));
                    break;
                case "instances":
                    var index = 0;
                    foreach (var instance in RequireArray(p.Value, "instances").EnumerateArray())
                        annotations.Boxes.Add(ReadInstance(instance, $"instances[{index++}]"));
                    break;
                default: sample.Extra.Set(p.Name, p.Value); break;
            }
        }
        if (!annotations.IsEmpty) sample.Annotations = annotations;
        return sample;
    }

    private static Box ReadInstance(JsonElement instance, string where)
    {
        if (instance.ValueKind != JsonValueKind.Object) throw RecordException.BadField(where, "an object");
        string? category = null;
        double[]? bbox = null;
        ExtraFields? extra = null;
        foreach (var p in instance.EnumerateObject())
        {
            if (p.NameEquals("category")) category = RequireString(p.Value, where + ".category");
            else if (p.NameEquals("bbox"))
                bbox = RequireArray(p.Value, where + ".bbox").EnumerateArray()
                    .Select((n, i) => OptNumber(n, $"{where}.bbox[{i}]") ?? throw RecordException.BadField($"{where}.bbox[{i}]", "a number, found null"))
                    .ToArray();
            else (extra ??= new()).Set(p.Name, p.Value);
        }
        if (category is null) throw RecordException.BadField(where + ".category", "present");
        if (bbox is not { Length: 4 }) throw RecordException.BadField(where + ".bbox", "four numbers [x1, y1, x2, y2]");
        return new Box(category, bbox, BoxFormat.XyxyNormalized) { Extra = extra };
    }

    /// <summary>Captions and boxes are what this format holds; a sample without them, or with pixel boxes on an image of unknown size, cannot be written.</summary>
    public string? CannotWrite(Sample sample)
    {
        if (sample.Annotations is null or { IsEmpty: true }) return "the sample has no captions or boxes, and caps-boxes holds only those";
        return sample.Annotations.Boxes.Any(b => b.Format == BoxFormat.XywhPixels) && ImageSize(sample) is null ? UnsizedPixelBoxes : null;
    }

    private const string UnsizedPixelBoxes = "the sample has pixel boxes and the size of its one image is unknown; caps-boxes needs normalized boxes";

    private static (int Width, int Height)? ImageSize(Sample sample) =>
        sample.Images is [{ Width: { } width, Height: { } height }] ? (width, height) : null;

    public void Encode(Utf8JsonWriter writer, Sample sample)
    {
        writer.WriteStartObject();
        WriteId(writer, sample);
        if (sample.Images.Count > 0) WritePathOrList(writer, "image", sample.Images);
        writer.WriteStartArray("captions");
        foreach (var caption in sample.Annotations?.Captions ?? []) writer.WriteStringValue(caption);
        writer.WriteEndArray();
        writer.WriteStartArray("instances");
        foreach (var box in sample.Annotations?.Boxes ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("category", box.Category);
            writer.WriteStartArray("bbox");
            foreach (var n in Normalized(box, sample)) writer.WriteNumberValue(n);
            writer.WriteEndArray();
            box.Extra?.WriteTo(writer);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        sample.Extra.WriteTo(writer);
        writer.WriteEndObject();
    }

    private static double[] Normalized(Box box, Sample sample)
    {
        if (box.Format == BoxFormat.XyxyNormalized) return box.Bbox;
        var (width, height) = ImageSize(sample) ?? throw new RecordException(RejectRules.BadRecord, UnsizedPixelBoxes);
        return box.ToNormalizedXyxy(width, height);
    }
}
