using System.Buffers;
using System.Text.Json;
using MMForge.Formats.Codecs;
using MMForge.Records;

namespace MMForge.Formats.Documents;

/// <summary>
/// A COCO annotation file ({images, annotations, categories}; instances or captions), read as
/// one sample per image in the order of <c>images</c>, images without annotations included.
/// The document is expanded into per-image <see cref="CocoRecordCodec"/> records so each image
/// is decoded, and rejected, on its own. Cross-references are checked here, where the whole
/// file is in view: an annotation naming an unknown image or category, or malformed, is a reject
/// naming the annotation, and its image still loads without it; a malformed or duplicate image
/// entry or category is a reject naming its position. Other top-level keys (info, licenses)
/// and the categories table go to <see cref="OpenedSource.Info"/> as compact JSON.
/// </summary>
public sealed class CocoDocument : IDocumentFormat
{
    public string Name => "coco";
    public string Description => "COCO annotations: {images, annotations (boxes or captions), categories}; one sample per image";

    public int Match(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object || !IsArray(document, "images")) return 0;
        return IsArray(document, "annotations") ? 20 : IsArray(document, "categories") ? 15 : 0;
    }

    private static bool IsArray(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array;

    public IEnumerable<OpenedSource> Open(JsonElement document, SourceRequest request, FormatRegistry registry)
    {
        var info = document.EnumerateObject()
            .Where(p => p.Name is not ("images" or "annotations"))
            .ToDictionary(p => p.Name, p => JsonText.Compact(p.Value));
        return
        [
            new OpenedSource(request.SourceName ?? SourceOpener.DefaultSourceName(request.Path), CocoRecordCodec.Instance, Records(document, request.Path))
            {
                ImageRoot = request.ImageRoot ?? Path.GetDirectoryName(Path.GetFullPath(request.Path)),
                File = request.Path,
                Container = "document",
                Info = info,
            },
        ];
    }

    private static IEnumerable<RawRecord> Records(JsonElement document, string file)
    {
        var rejects = new List<RawRecord>();
        RawRecord Reject(string member, string reason) =>
            RawRecord.Failed(new RecordLocation(file, null, 0, 0, member), new RecordError(RejectRules.BadRecord, reason));

        var categories = new Dictionary<long, (CocoCategory Category, JsonElement Json)>();
        var index = 0;
        foreach (var c in Array(document, "categories"))
        {
            var where = $"categories[{index++}]";
            try
            {
                var category = CocoJson.ReadCategory(c, where);
                if (!categories.TryAdd(category.Id, (category, c))) rejects.Add(Reject(where, $"{where} repeats category id {category.Id}"));
            }
            catch (RecordException e) { rejects.Add(Reject(where, e.Message)); }
        }

        var images = new List<(JsonElement Image, string Member, List<JsonElement> Annotations)>();
        var imageById = new Dictionary<string, int>(StringComparer.Ordinal);
        index = 0;
        foreach (var image in Array(document, "images"))
        {
            var where = $"images[{index++}]";
            if (image.ValueKind != JsonValueKind.Object || !image.TryGetProperty("id", out var id))
                rejects.Add(Reject(where, $"{where} is not an object with an id"));
            else if (!imageById.TryAdd(id.GetRawText(), images.Count))
                rejects.Add(Reject(where, $"{where} repeats image id {id.GetRawText()}"));
            else
                images.Add((image, where, []));
        }

        var byId = categories.ToDictionary(c => c.Key, c => c.Value.Category);
        index = 0;
        foreach (var annotation in Array(document, "annotations"))
        {
            var name = CocoJson.Describe(annotation, index);
            var member = $"annotations[{index++}]";
            try
            {
                CocoJson.ReadAnnotation(annotation, name, byId, new Annotations()); // checks shape and category
                var imageId = CocoJson.Property(annotation, "image_id");
                if (imageId.ValueKind == JsonValueKind.Undefined)
                    rejects.Add(Reject(member, $"{name} has no image_id"));
                else if (!imageById.TryGetValue(imageId.GetRawText(), out var at))
                    rejects.Add(Reject(member, $"{name} refers to image {imageId.GetRawText()}, which is not in images"));
                else
                    images[at].Annotations.Add(annotation);
            }
            catch (RecordException e) { rejects.Add(Reject(member, e.Message)); }
        }

        foreach (var reject in rejects) yield return reject;
        foreach (var (image, member, annotations) in images)
            yield return new RawRecord(ImageRecord(image, annotations, categories), new RecordLocation(file, null, 0, 0, member));
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement document, string name) =>
        document.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : default;

    /// <summary>The <see cref="CocoRecordCodec"/> record of one image: the image, its annotations, and the categories they use.</summary>
    private static byte[] ImageRecord(JsonElement image, List<JsonElement> annotations, Dictionary<long, (CocoCategory Category, JsonElement Json)> categories)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
        {
            w.WriteStartObject();
            w.WritePropertyName("image");
            image.WriteTo(w);
            w.WriteStartArray("annotations");
            foreach (var a in annotations) a.WriteTo(w);
            w.WriteEndArray();
            w.WriteStartArray("categories");
            var used = annotations
                .Where(a => a.TryGetProperty("bbox", out _)) // box annotations, whose category_id has been checked
                .Select(a => a.GetProperty("category_id").GetInt64())
                .Distinct();
            foreach (var id in used) categories[id].Json.WriteTo(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
