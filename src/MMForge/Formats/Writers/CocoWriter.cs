using System.Globalization;
using System.Text;
using System.Text.Json;
using MMForge.Formats.Documents;
using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>
/// Writes one COCO file ({images, annotations, categories}, on one line) from samples with one
/// image each. Streaming: image entries go straight to the output while annotations are spooled
/// to a temporary file and appended at the end, so memory holds only the categories and the
/// image ids (kept to refuse duplicates). Annotations keep their source <c>id</c> (a box extra);
/// others are numbered after the largest id seen, captions included. Boxes without a category id
/// get the id of a known category of the same name, or a new one after the largest. A sample
/// COCO cannot hold (not exactly one image, a normalized box on an image of unknown size, a
/// category id used with two names, a repeated image id) is refused with a
/// <see cref="RecordException"/> before anything of it is written. Dialogue, text, tags and
/// scores have no place in COCO and are not written; embedded images are saved beside the file.
/// </summary>
public sealed class CocoWriter : ISampleWriter
{
    private readonly AtomicFile _file;
    private readonly Utf8JsonWriter _json;
    private readonly FileStream _spool;
    private readonly Utf8JsonWriter _spoolJson;
    private readonly ImageSpill _images;
    private readonly HashSet<string> _imageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<long, CocoCategory> _categories = [];
    private readonly Dictionary<string, string?> _unnumbered = new(StringComparer.Ordinal); // name -> supercategory, first seen
    private readonly List<string> _unnumberedOrder = [];
    private long _maxAnnotationId;

    public CocoWriter(string path)
    {
        _file = new AtomicFile(path);
        _json = new Utf8JsonWriter(_file.Stream, JsonText.WriterOptions);
        _spool = new FileStream(_file.TempPath + ".annotations", FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _spoolJson = new Utf8JsonWriter(_spool, JsonText.WriterOptions);
        _images = new ImageSpill(path);
        _json.WriteStartObject();
        _json.WriteStartArray("images");
    }

    public string? CannotWrite(Sample sample) => CocoJson.CannotHold(sample);

    /// <summary>Writes one sample; besides <see cref="CannotWrite"/>, refuses (RecordException) what only the file so far can show: a repeated image id, a category id with a second name.</summary>
    public void Write(Sample sample)
    {
        var image = CocoJson.CheckedImage(sample);
        var boxes = sample.Annotations?.Boxes ?? [];
        var pixels = boxes.Select(b => CocoJson.PixelBox(b, image)).ToList();
        var categories = NewCategories(boxes);
        var idKey = (sample.IdIsNumber ? "n:" : "s:") + sample.Id;
        if (_imageIds.Contains(idKey))
            throw new RecordException(RejectRules.BadRecord, $"image id {sample.Id} is already written; COCO image ids must be unique");

        _imageIds.Add(idKey);
        foreach (var category in categories) _categories.TryAdd(category.Id, category);
        CocoJson.WriteImage(_json, sample, _images.WithPaths([image])[0]);
        _json.Flush();
        for (var i = 0; i < boxes.Count; i++) SpoolBox(sample, boxes[i], pixels[i]);
        foreach (var caption in sample.Annotations?.Captions ?? [])
            Spool(null, w => CocoJson.WriteCaptionProperties(w, sample, caption));
    }

    /// <summary>The numbered categories of these boxes not yet known; throws when an id comes with a second name.</summary>
    private List<CocoCategory> NewCategories(List<Box> boxes)
    {
        var added = new Dictionary<long, CocoCategory>();
        foreach (var box in boxes)
        {
            if (box.CategoryId is not { } id) continue;
            if ((_categories.TryGetValue(id, out var known) || added.TryGetValue(id, out known)) && known.Name != box.Category)
                throw new RecordException(RejectRules.BadRecord, $"category id {id} is '{known.Name}' in this file but '{box.Category}' here");
            added.TryAdd(id, new CocoCategory(id, box.Category, box.Supercategory));
        }
        return added.Values.Where(c => !_categories.ContainsKey(c.Id)).ToList();
    }

    private void SpoolBox(Sample sample, Box box, double[] pixels)
    {
        if (box.Extra?.Get("id") is { } id && long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            _maxAnnotationId = Math.Max(_maxAnnotationId, n);
        if (box.CategoryId is null && _unnumbered.TryAdd(box.Category, box.Supercategory)) _unnumberedOrder.Add(box.Category);
        Spool(box.CategoryId is null ? box.Category : null, w => CocoJson.WriteBoxProperties(w, sample, box, pixels, box.CategoryId));
    }

    /// <summary>
    /// One spool line: [category name to resolve or null, annotation]. Category ids of named-only
    /// boxes and ids of annotations without one can only be chosen once every sample is seen.
    /// </summary>
    private void Spool(string? categoryToResolve, Action<Utf8JsonWriter> writeProperties)
    {
        _spoolJson.WriteStartArray();
        if (categoryToResolve is null) _spoolJson.WriteNullValue();
        else _spoolJson.WriteStringValue(categoryToResolve);
        _spoolJson.WriteStartObject();
        writeProperties(_spoolJson);
        _spoolJson.WriteEndObject();
        _spoolJson.WriteEndArray();
        _spoolJson.Flush();
        _spoolJson.Reset();
        _spool.WriteByte((byte)'\n');
    }

    public void Complete()
    {
        _json.WriteEndArray();
        var categoryIds = ResolveCategories();
        _json.WriteStartArray("annotations");
        AppendAnnotations(categoryIds);
        _json.WriteEndArray();
        _json.WriteStartArray("categories");
        foreach (var category in _categories.Values.OrderBy(c => c.Id)) CocoJson.WriteCategory(_json, category);
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Dispose(); // flushes; the stream must still be open, so before Commit
        _file.Stream.WriteByte((byte)'\n');
        _file.Commit();
    }

    /// <summary>Ids for the categories boxes named without one: a numbered category's of the same name, or new ones after the largest.</summary>
    private Dictionary<string, long> ResolveCategories()
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var category in _categories.Values.OrderBy(c => c.Id)) ids.TryAdd(category.Name, category.Id);
        var next = _categories.Count == 0 ? 1 : _categories.Keys.Max() + 1;
        foreach (var name in _unnumberedOrder)
        {
            if (ids.ContainsKey(name)) continue;
            ids[name] = next;
            _categories[next] = new CocoCategory(next, name, _unnumbered[name]);
            next++;
        }
        return ids;
    }

    private void AppendAnnotations(Dictionary<string, long> categoryIds)
    {
        _spoolJson.Flush();
        _spool.Position = 0;
        var nextId = _maxAnnotationId + 1;
        using var reader = new StreamReader(_spool, new UTF8Encoding(false), false, 1 << 16, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            using var doc = JsonDocument.Parse(line, JsonText.ReadOptions);
            var category = doc.RootElement[0];
            var annotation = doc.RootElement[1];
            _json.WriteStartObject();
            if (!annotation.TryGetProperty("id", out _)) _json.WriteNumber("id", nextId++);
            foreach (var property in annotation.EnumerateObject())
            {
                property.WriteTo(_json);
                if (property.NameEquals("bbox") && category.ValueKind == JsonValueKind.String)
                    _json.WriteNumber("category_id", categoryIds[category.GetString()!]);
            }
            _json.WriteEndObject();
            _json.Flush();
        }
    }

    public void Dispose()
    {
        _json.Dispose();
        _spoolJson.Dispose();
        _spool.Dispose();
        _file.Dispose();
    }
}
