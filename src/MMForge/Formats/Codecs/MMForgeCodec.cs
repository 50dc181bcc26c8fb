using System.Globalization;
using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// The unified record as stored in mmforge dataset directories: every field of
/// <see cref="Sample"/>, with unknown source fields under <c>extra</c>. This is the one format
/// that carries everything, so every other format converts through it.
/// </summary>
public sealed class MMForgeCodec : IRecordCodec
{
    public static readonly MMForgeCodec Instance = new();

    public string Name => "mmforge";
    public string Description => "mmforge unified record (dataset directory shards): every field, unknown source fields under 'extra'";
    public bool EmbedsImages => true;

    /// <summary>The unified record carries everything.</summary>
    public string? CannotWrite(Sample sample) => null;

    public int Match(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("provenance", out _) ? 30 + CountKeys(record, "images", "conversations", "extra") : 0;

    public Sample Decode(JsonElement record)
    {
        var sample = new Sample();
        foreach (var p in RequireObject(record).EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "id": ReadId(v, sample); break;
                case "id_is_number": sample.IdIsNumber = v.ValueKind == JsonValueKind.True; break;
                case "source": sample.Source = OptString(v, "source"); break;
                case "images": foreach (var image in RequireArray(v, "images").EnumerateArray()) sample.Images.Add(ReadImage(image)); break;
                case "conversations": ReadTurns(v, "conversations", "from", "value", sample.Turns); break;
                case "text": sample.Text = OptString(v, "text"); break;
                case "image_tags":
                    foreach (var t in RequireArray(v, "image_tags").EnumerateArray())
                        sample.ImageTags.Add(new ImageTag(RequireString(t.GetProperty("tag"), "image_tags.tag"), OptNumber(Get(t, "score"), "image_tags.score"), OptString(Get(t, "by"), "image_tags.by")));
                    break;
                case "instruction_tags":
                    foreach (var t in RequireArray(v, "instruction_tags").EnumerateArray())
                        sample.InstructionTags.Add(new InstructionTag(RequireString(t.GetProperty("path"), "instruction_tags.path"), OptNumber(Get(t, "score"), "instruction_tags.score"), OptString(Get(t, "by"), "instruction_tags.by")));
                    break;
                case "scores":
                    foreach (var s in v.EnumerateObject()) sample.Scores[s.Name] = OptNumber(s.Value, "scores." + s.Name) ?? double.NaN;
                    break;
                case "visual_tokens":
                    foreach (var t in v.EnumerateObject()) sample.VisualTokens[t.Name] = OptInt(t.Value, "visual_tokens." + t.Name) ?? 0;
                    break;
                case "annotations": sample.Annotations = AnnotationsJson.Read(v); break;
                case "provenance": sample.Provenance = ReadProvenance(v); break;
                case "extra": foreach (var e in v.EnumerateObject()) sample.Extra.Set(e.Name, e.Value); break;
                default: throw new RecordException(RejectRules.BadRecord, $"unknown field '{p.Name}' in an mmforge record");
            }
        }
        return sample;
    }

    private static JsonElement Get(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? v : default;

    private static ImageRef ReadImage(JsonElement v)
    {
        var image = new ImageRef();
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "path": image.Path = OptString(p.Value, "images.path"); break;
                case "root": image.Root = OptString(p.Value, "images.root"); break;
                case "bytes": image.Bytes = p.Value.GetBytesFromBase64(); break;
                case "sha256": image.Sha256 = OptString(p.Value, "images.sha256"); break;
                case "phash": image.Phash = ulong.Parse(RequireString(p.Value, "images.phash"), NumberStyles.HexNumber, CultureInfo.InvariantCulture); break;
                case "width": image.Width = OptInt(p.Value, "images.width"); break;
                case "height": image.Height = OptInt(p.Value, "images.height"); break;
                case "format": image.Format = OptString(p.Value, "images.format"); break;
                default: throw new RecordException(RejectRules.BadRecord, $"unknown image field '{p.Name}'");
            }
        }
        return image;
    }

    private static Provenance ReadProvenance(JsonElement v)
    {
        var provenance = new Provenance();
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "file": provenance.File = OptString(p.Value, "provenance.file"); break;
                case "line": provenance.Line = p.Value.GetInt64(); break;
                case "member": provenance.Member = OptString(p.Value, "provenance.member"); break;
                case "stages": provenance.Stages.AddRange(p.Value.EnumerateArray().Select(s => s.GetString()!)); break;
            }
        }
        return provenance;
    }

    public void Encode(Utf8JsonWriter w, Sample s)
    {
        w.WriteStartObject();
        WriteId(w, s);
        if (s.IdIsNumber) w.WriteBoolean("id_is_number", true);
        if (s.Source is not null) w.WriteString("source", s.Source);
        if (s.Images.Count > 0)
        {
            w.WriteStartArray("images");
            foreach (var image in s.Images) WriteImage(w, image);
            w.WriteEndArray();
        }
        if (s.Turns.Count > 0) WriteTurns(w, "conversations", s.Turns, "from", "value", role => role);
        if (s.Text is not null) w.WriteString("text", s.Text);
        if (s.ImageTags.Count > 0)
        {
            w.WriteStartArray("image_tags");
            foreach (var t in s.ImageTags) WriteTag(w, "tag", t.Tag, t.Score, t.By);
            w.WriteEndArray();
        }
        if (s.InstructionTags.Count > 0)
        {
            w.WriteStartArray("instruction_tags");
            foreach (var t in s.InstructionTags) WriteTag(w, "path", t.Path, t.Score, t.By);
            w.WriteEndArray();
        }
        if (s.Scores.Count > 0)
        {
            w.WriteStartObject("scores");
            foreach (var (name, value) in s.Scores) w.WriteNumber(name, value);
            w.WriteEndObject();
        }
        if (s.VisualTokens.Count > 0)
        {
            w.WriteStartObject("visual_tokens");
            foreach (var (model, tokens) in s.VisualTokens) w.WriteNumber(model, tokens);
            w.WriteEndObject();
        }
        if (s.Annotations is { IsEmpty: false } annotations) AnnotationsJson.Write(w, "annotations", annotations);
        WriteProvenance(w, s.Provenance);
        if (s.Extra.Count > 0)
        {
            w.WriteStartObject("extra");
            s.Extra.WriteTo(w);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteImage(Utf8JsonWriter w, ImageRef image)
    {
        w.WriteStartObject();
        if (image.Path is not null) w.WriteString("path", image.Path);
        if (image.Root is not null) w.WriteString("root", image.Root);
        if (image.Bytes is not null) w.WriteBase64String("bytes", image.Bytes);
        if (image.Sha256 is not null) w.WriteString("sha256", image.Sha256);
        if (image.Phash is { } phash) w.WriteString("phash", phash.ToString("x16", CultureInfo.InvariantCulture));
        if (image.Width is { } width) w.WriteNumber("width", width);
        if (image.Height is { } height) w.WriteNumber("height", height);
        if (image.Format is not null) w.WriteString("format", image.Format);
        w.WriteEndObject();
    }

    private static void WriteTag(Utf8JsonWriter w, string key, string value, double? score, string? by)
    {
        w.WriteStartObject();
        w.WriteString(key, value);
        if (score is { } s) w.WriteNumber("score", s);
        if (by is not null) w.WriteString("by", by);
        w.WriteEndObject();
    }

    private static void WriteProvenance(Utf8JsonWriter w, Provenance p)
    {
        w.WriteStartObject("provenance");
        if (p.File is not null) w.WriteString("file", p.File);
        if (p.Line is { } line) w.WriteNumber("line", line);
        if (p.Member is not null) w.WriteString("member", p.Member);
        if (p.Stages.Count > 0)
        {
            w.WriteStartArray("stages");
            foreach (var stage in p.Stages) w.WriteStringValue(stage);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
