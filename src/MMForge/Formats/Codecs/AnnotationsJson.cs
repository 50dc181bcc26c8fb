using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>The JSON form of <see cref="Annotations"/> inside mmforge records: captions and boxes with their source form.</summary>
public static class AnnotationsJson
{
    public static Annotations Read(JsonElement v)
    {
        var annotations = new Annotations();
        if (v.TryGetProperty("captions", out var captions))
            annotations.Captions.AddRange(RequireArray(captions, "annotations.captions").EnumerateArray().Select(c => RequireString(c, "annotations.captions[]")));
        if (v.TryGetProperty("boxes", out var boxes))
        {
            foreach (var b in RequireArray(boxes, "annotations.boxes").EnumerateArray())
            {
                var numbers = RequireArray(b.GetProperty("bbox"), "annotations.boxes[].bbox").EnumerateArray().Select(n => n.GetDouble()).ToArray();
                var format = b.TryGetProperty("bbox_format", out var f) && f.GetString() == "xyxy_norm" ? BoxFormat.XyxyNormalized : BoxFormat.XywhPixels;
                var box = new Box(RequireString(b.GetProperty("category"), "annotations.boxes[].category"), numbers, format);
                if (b.TryGetProperty("category_id", out var id)) box.CategoryId = id.GetInt64();
                if (b.TryGetProperty("supercategory", out var super)) box.Supercategory = OptString(super, "annotations.boxes[].supercategory");
                if (b.TryGetProperty("extra", out var extra))
                    foreach (var e in extra.EnumerateObject()) (box.Extra ??= new()).Set(e.Name, e.Value);
                annotations.Boxes.Add(box);
            }
        }
        return annotations;
    }

    public static void Write(Utf8JsonWriter w, string name, Annotations a)
    {
        w.WriteStartObject(name);
        if (a.Captions.Count > 0)
        {
            w.WriteStartArray("captions");
            foreach (var c in a.Captions) w.WriteStringValue(c);
            w.WriteEndArray();
        }
        if (a.Boxes.Count > 0)
        {
            w.WriteStartArray("boxes");
            foreach (var b in a.Boxes)
            {
                w.WriteStartObject();
                w.WriteString("category", b.Category);
                if (b.CategoryId is { } id) w.WriteNumber("category_id", id);
                if (b.Supercategory is not null) w.WriteString("supercategory", b.Supercategory);
                w.WriteStartArray("bbox");
                foreach (var n in b.Bbox) w.WriteNumberValue(n);
                w.WriteEndArray();
                w.WriteString("bbox_format", b.Format == BoxFormat.XyxyNormalized ? "xyxy_norm" : "xywh");
                if (b.Extra is { Count: > 0 })
                {
                    w.WriteStartObject("extra");
                    b.Extra.WriteTo(w);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
