using System.Text.Json;
using MMForge.Formats.Documents;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// One image of a COCO file with what belongs to it: {"image": {...}, "annotations": [...],
/// "categories": [...]} (the categories its boxes use). The COCO document reader expands a file
/// into these so that each image decodes, and is rejected, on its own; written as JSON Lines it
/// is also a streamable COCO. Image id = sample id, file_name/width/height = the one image,
/// boxes and captions = the annotations.
/// </summary>
public sealed class CocoRecordCodec : IRecordCodec
{
    public static readonly CocoRecordCodec Instance = new();

    public string Name => "coco-image";
    public string Description => "one COCO image with its annotations and categories: {image, annotations, categories} (what the coco document expands into)";

    public int Match(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object
        && record.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.Object
        && record.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Array
            ? 20
            : 0;

    public Sample Decode(JsonElement record)
    {
        RequireObject(record);
        var sample = new Sample();
        sample.Images.Add(ReadImage(CocoJson.Property(record, "image"), sample));
        var categories = new Dictionary<long, CocoCategory>();
        if (record.TryGetProperty("categories", out var list))
        {
            var i = 0;
            foreach (var c in RequireArray(list, "categories").EnumerateArray())
            {
                var category = CocoJson.ReadCategory(c, $"categories[{i++}]");
                categories[category.Id] = category;
            }
        }
        var annotations = new Annotations();
        if (record.TryGetProperty("annotations", out var items))
        {
            var i = 0;
            foreach (var a in RequireArray(items, "annotations").EnumerateArray())
                CocoJson.ReadAnnotation(a, CocoJson.Describe(a, i++), categories, annotations);
        }
        if (!annotations.IsEmpty) sample.Annotations = annotations;
        return sample;
    }

    private static ImageRef ReadImage(JsonElement value, Sample sample)
    {
        if (value.ValueKind != JsonValueKind.Object) throw RecordException.BadField("image", $"an object, found {JsonFields.Describe(value.ValueKind)}");
        var image = new ImageRef();
        var hasId = false;
        foreach (var p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "id": ReadId(p.Value, sample); hasId = true; break;
                case "file_name": image.Path = RequireString(p.Value, "image.file_name"); break;
                case "width": image.Width = OptInt(p.Value, "image.width"); break;
                case "height": image.Height = OptInt(p.Value, "image.height"); break;
                default: sample.Extra.Set(p.Name, p.Value); break;
            }
        }
        if (!hasId) throw RecordException.BadField("image.id", "present");
        if (image.Path is null) throw RecordException.BadField("image.file_name", "present");
        return image;
    }

    public string? CannotWrite(Sample sample) =>
        CocoJson.CannotHold(sample)
        ?? (sample.Annotations?.Boxes.FirstOrDefault(b => b.CategoryId is null) is { } box ? NoCategoryId(box) : null);

    public void Encode(Utf8JsonWriter writer, Sample sample)
    {
        var image = CocoJson.CheckedImage(sample);
        var boxes = sample.Annotations?.Boxes ?? [];
        writer.WriteStartObject();
        writer.WritePropertyName("image");
        CocoJson.WriteImage(writer, sample, image);
        writer.WriteStartArray("annotations");
        foreach (var box in boxes)
        {
            writer.WriteStartObject();
            CocoJson.WriteBoxProperties(writer, sample, box, CocoJson.PixelBox(box, image), CategoryOf(box).Id);
            writer.WriteEndObject();
        }
        foreach (var caption in sample.Annotations?.Captions ?? [])
        {
            writer.WriteStartObject();
            CocoJson.WriteCaptionProperties(writer, sample, caption);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("categories");
        foreach (var category in boxes.Select(CategoryOf).DistinctBy(c => c.Id)) CocoJson.WriteCategory(writer, category);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A per-image record has no file-wide category table to number new categories in, so boxes must carry their id.</summary>
    private static CocoCategory CategoryOf(Box box) =>
        new(box.CategoryId ?? throw new RecordException(RejectRules.BadRecord, NoCategoryId(box)), box.Category, box.Supercategory);

    private static string NoCategoryId(Box box) =>
        $"box '{box.Category}' has no category id; coco-image records need one (the coco writer assigns them)";
}
