using System.Globalization;
using System.Text.Json;
using MMForge.Records;
using MMForge.Formats.Codecs;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Documents;

/// <summary>One entry of a COCO <c>categories</c> list.</summary>
public sealed record CocoCategory(long Id, string Name, string? Supercategory);

/// <summary>
/// The COCO objects mmforge reads and writes: images {id, file_name, width, height}, box
/// annotations {image_id, bbox [x, y, w, h] pixels, category_id}, caption annotations
/// {image_id, caption} and categories {id, name, supercategory}. Keys beyond these stay with the
/// object they came from: an image's go to <see cref="Sample.Extra"/>, a box annotation's
/// (id, area, iscrowd, segmentation) to <see cref="Box.Extra"/>. Caption annotations keep only
/// their text (<see cref="Annotations.Captions"/> holds strings), so their ids are renumbered on writing.
/// </summary>
public static class CocoJson
{
    /// <summary>The keys of an annotation that <see cref="Box"/> models; every other key is the box's extra.</summary>
    private static readonly HashSet<string> BoxKeys = new(["image_id", "bbox", "category_id"], StringComparer.Ordinal);

    /// <summary>The keys of an image that the sample models; a sample extra with one of these names is not written over them.</summary>
    private static readonly HashSet<string> ImageKeys = new(["id", "file_name", "width", "height"], StringComparer.Ordinal);

    /// <summary>How a reject names an annotation: by its id when it has one, else by its position.</summary>
    public static string Describe(JsonElement annotation, int index) =>
        annotation.ValueKind == JsonValueKind.Object && annotation.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.Number or JsonValueKind.String
            ? $"annotation {id.GetRawText()} (annotations[{index}])"
            : $"annotations[{index}]";

    public static CocoCategory ReadCategory(JsonElement category, string where)
    {
        if (category.ValueKind != JsonValueKind.Object) throw RecordException.BadField(where, "an object");
        return new CocoCategory(
            RequireLong(Property(category, "id"), where + ".id"),
            RequireString(Property(category, "name"), where + ".name"),
            OptString(Property(category, "supercategory"), where + ".supercategory"));
    }

    /// <summary>
    /// Reads a box or caption annotation into <paramref name="into"/>; throws a
    /// <see cref="RecordException"/> naming <paramref name="where"/> for a malformed one or an
    /// unknown category. The image it belongs to is the caller's business.
    /// </summary>
    public static void ReadAnnotation(JsonElement annotation, string where, IReadOnlyDictionary<long, CocoCategory> categories, Annotations into)
    {
        if (annotation.ValueKind != JsonValueKind.Object) throw new RecordException(RejectRules.BadRecord, $"{where} is not an object");
        if (annotation.TryGetProperty("bbox", out var bbox))
        {
            into.Boxes.Add(ReadBox(annotation, bbox, where, categories));
            return;
        }
        if (annotation.TryGetProperty("caption", out var caption))
        {
            into.Captions.Add(RequireString(caption, where + ".caption"));
            return;
        }
        throw new RecordException(RejectRules.BadRecord, $"{where} has neither a bbox nor a caption");
    }

    private static Box ReadBox(JsonElement annotation, JsonElement bbox, string where, IReadOnlyDictionary<long, CocoCategory> categories)
    {
        var numbers = RequireArray(bbox, where + ".bbox").EnumerateArray()
            .Select((n, i) => OptNumber(n, $"{where}.bbox[{i}]") ?? throw RecordException.BadField($"{where}.bbox[{i}]", "a number, found null"))
            .ToArray();
        if (numbers.Length != 4) throw RecordException.BadField(where + ".bbox", $"four numbers [x, y, width, height], found {numbers.Length}");
        var categoryId = RequireLong(Property(annotation, "category_id"), where + ".category_id");
        if (!categories.TryGetValue(categoryId, out var category))
            throw new RecordException(RejectRules.BadRecord, $"{where} refers to category {categoryId}, which is not in categories");
        var box = new Box(category.Name, numbers, BoxFormat.XywhPixels) { CategoryId = category.Id, Supercategory = category.Supercategory };
        foreach (var p in annotation.EnumerateObject())
            if (!BoxKeys.Contains(p.Name)) (box.Extra ??= new()).Set(p.Name, p.Value);
        return box;
    }

    public static JsonElement Property(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? v : default;

    private static long RequireLong(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : throw RecordException.BadField(field, $"an integer, found {JsonFields.Describe(value.ValueKind)}");

    /// <summary>The sample's one image as a COCO image object; the sample's extras are the image's other keys.</summary>
    public static void WriteImage(Utf8JsonWriter w, Sample sample, ImageRef image)
    {
        w.WriteStartObject();
        WriteId(w, sample);
        w.WriteString("file_name", PathOf(image));
        if (image.Width is { } width) w.WriteNumber("width", width);
        if (image.Height is { } height) w.WriteNumber("height", height);
        foreach (var (name, json) in sample.Extra)
        {
            if (ImageKeys.Contains(name)) continue;
            w.WritePropertyName(name);
            w.WriteRawValue(json, skipInputValidation: true);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes the properties of a box annotation (the caller opens and closes the object, and may add an id).</summary>
    public static void WriteBoxProperties(Utf8JsonWriter w, Sample sample, Box box, double[] bbox, long? categoryId)
    {
        WriteId(w, sample, "image_id");
        w.WriteStartArray("bbox");
        foreach (var n in bbox) w.WriteNumberValue(n);
        w.WriteEndArray();
        if (categoryId is { } id) w.WriteNumber("category_id", id);
        box.Extra?.WriteTo(w);
    }

    public static void WriteCaptionProperties(Utf8JsonWriter w, Sample sample, string caption)
    {
        WriteId(w, sample, "image_id");
        w.WriteString("caption", caption);
    }

    public static void WriteCategory(Utf8JsonWriter w, CocoCategory category)
    {
        w.WriteStartObject();
        w.WriteNumber("id", category.Id);
        w.WriteString("name", category.Name);
        if (category.Supercategory is not null) w.WriteString("supercategory", category.Supercategory);
        w.WriteEndObject();
    }

    /// <summary>
    /// Why a sample cannot be a COCO image entry, or null: it must have exactly one image, and
    /// normalized boxes need that image's size to become pixels. Stateless, so writers can ask
    /// it on worker threads before the sample reaches them.
    /// </summary>
    public static string? CannotHold(Sample sample)
    {
        if (sample.Turns.Count > 0 || sample.Text is not null)
            return "the sample has a conversation or text, which COCO annotations have no place for";
        if (sample.Images.Count != 1)
            return $"the sample has {sample.Images.Count.ToString(CultureInfo.InvariantCulture)} images; a COCO image entry is exactly one image";
        var image = sample.Images[0];
        if (image.Width is not null && image.Height is not null) return null;
        return sample.Annotations?.Boxes.FirstOrDefault(b => b.Format == BoxFormat.XyxyNormalized) is { } box
            ? $"box '{box.Category}' is in normalized coordinates and the image size is unknown; COCO needs pixels"
            : null;
    }

    /// <summary>The sample's one image, after <see cref="CannotHold"/> has found nothing wrong; throws its reason otherwise.</summary>
    public static ImageRef CheckedImage(Sample sample) =>
        CannotHold(sample) is { } why ? throw new RecordException(RejectRules.BadRecord, why) : sample.Images[0];

    /// <summary>A box as COCO's [x, y, width, height] in pixels, for an image that passed <see cref="CheckedImage"/>.</summary>
    public static double[] PixelBox(Box box, ImageRef image)
    {
        if (box.Format == BoxFormat.XywhPixels) return box.Bbox;
        double width = image.Width!.Value, height = image.Height!.Value;
        var b = box.Bbox;
        return [b[0] * width, b[1] * height, (b[2] - b[0]) * width, (b[3] - b[1]) * height];
    }
}
