using System.Text;
using System.Text.Json;
using MMForge.Records;

namespace MMForge.Tagging.Correspondence;

/// <summary>
/// <c>model.json</c>: the fitted model as indented JSON with a fixed key order, types and tags
/// in ordinal order and numbers in their shortest round-trip form (culture-free), so the same
/// seed set gives the same bytes and reading then writing a model gives them back exactly.
/// Field meanings: docs/correspondence.md.
/// </summary>
internal static class CorrespondenceJson
{
    private static readonly JsonWriterOptions WriterOptions = JsonText.WriterOptions with { Indented = true, SkipValidation = false };

    public static string Write(CorrespondenceModel model) => Document(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", CorrespondenceModel.FormatVersion);
        WriteOptions(w, model.Options);
        WriteSeed(w, model.Seed);
        w.WriteNumber("documents", model.Documents);
        w.WriteStartObject("idf");
        foreach (var (tag, idf) in model.Idf.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(tag);
            w.WriteNumber("df", idf.Df);
            w.WriteNumber("idf", idf.Idf);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("types");
        foreach (var type in model.Types.OrderBy(t => t.Type, StringComparer.Ordinal))
        {
            w.WriteStartObject(type.Type);
            w.WriteNumber("seed_samples", type.SeedSamples);
            w.WriteBoolean("supported", type.Supported);
            w.WriteNumber("distinct_tags", type.DistinctTags);
            w.WriteStartArray("tags");
            foreach (var tag in type.Tags)
            {
                w.WriteStartObject();
                w.WriteString("tag", tag.Tag);
                w.WriteNumber("count", tag.Count);
                w.WriteNumber("tf", tag.Tf);
                w.WriteNumber("idf", tag.Idf);
                w.WriteNumber("weight", tag.Weight);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>The settings as "options": how the model was (or is to be) made.</summary>
    public static void WriteOptions(Utf8JsonWriter w, CorrespondenceOptions options)
    {
        w.WriteStartObject("options");
        w.WriteString("unit", UnitName(options.Unit));
        w.WriteString("tf", TfName(options.Tf));
        w.WriteBoolean("l2_normalize", options.L2Normalize);
        w.WriteNumber("min_support", options.MinSupport);
        w.WriteNumber("df_min_share", options.DfMinShare);
        w.WriteNumber("max_tags_per_type", options.MaxTagsPerType);
        w.WriteEndObject();
    }

    /// <summary>What the seed pass saw, as "seed".</summary>
    public static void WriteSeed(Utf8JsonWriter w, SeedSummary seed)
    {
        w.WriteStartObject("seed");
        w.WriteNumber("samples", seed.Samples);
        w.WriteNumber("used", seed.Used);
        w.WriteNumber("without_image_tags", seed.WithoutImageTags);
        w.WriteNumber("without_type", seed.WithoutType);
        w.WriteNumber("ignored_instruction_tags", seed.IgnoredInstructionTags);
        w.WriteEndObject();
    }

    /// <summary>Writes a JSON document the way model.json is written: indented, keys in the order written, a final newline.</summary>
    public static string Document(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) write(w);
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string UnitName(TypeLevel unit) => unit == TypeLevel.L2 ? "l2" : "l3";

    private static string TfName(TfScheme tf) => tf == TfScheme.Share ? "share" : "sublinear";

    /// <summary>Reads a model file; anything missing, mistyped or out of range is an <see cref="InvalidDataException"/> naming the field.</summary>
    public static CorrespondenceModel Read(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{source} is not valid JSON: {e.Message}"); }
        using (doc)
        {
            var reader = new Fields(source);
            var root = reader.Object(doc.RootElement, "the model");
            var version = reader.Int(root, "version", "version");
            if (version != CorrespondenceModel.FormatVersion)
                throw new InvalidDataException($"{source}: model version {version} is not supported (this mmforge reads version {CorrespondenceModel.FormatVersion}); fit the model again");

            var options = ReadOptions(reader, root);
            var seed = ReadSeed(reader, root);

            var idf = new SortedDictionary<string, TagIdf>(StringComparer.Ordinal);
            foreach (var entry in reader.Object(reader.Get(root, "idf", "idf"), "idf").EnumerateObject())
            {
                var at = $"idf.{entry.Name}";
                var e = reader.Object(entry.Value, at);
                if (!idf.TryAdd(entry.Name, new TagIdf((int)reader.Int(e, "df", at + ".df"), reader.Number(e, "idf", at + ".idf"))))
                    throw reader.Bad(at, "listed once");
            }

            var types = new List<TypeProfile>();
            foreach (var entry in reader.Object(reader.Get(root, "types", "types"), "types").EnumerateObject())
            {
                var at = $"types.{entry.Name}";
                if (types.Any(t => t.Type == entry.Name)) throw reader.Bad(at, "listed once");
                var t = reader.Object(entry.Value, at);
                var tags = reader.Array(reader.Get(t, "tags", at + ".tags"), at + ".tags").Select((tag, i) =>
                {
                    var tagAt = $"{at}.tags[{i}]";
                    var x = reader.Object(tag, tagAt);
                    return new TagWeight(reader.String(x, "tag", tagAt + ".tag"), reader.Int(x, "count", tagAt + ".count"),
                        reader.Number(x, "tf", tagAt + ".tf"), reader.Number(x, "idf", tagAt + ".idf"), reader.Number(x, "weight", tagAt + ".weight"));
                }).ToList();
                types.Add(new TypeProfile(entry.Name, reader.Int(t, "seed_samples", at + ".seed_samples"), reader.Bool(t, "supported", at + ".supported"),
                    (int)reader.Int(t, "distinct_tags", at + ".distinct_tags"), tags));
            }
            types.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));
            var model = new CorrespondenceModel(options, seed, idf, types);
            if (reader.Int(root, "documents", "documents") != model.Documents)
                throw reader.Bad("documents", $"the number of supported types ({model.Documents})");
            return model;
        }
    }

    /// <summary>The "options" object of <paramref name="root"/>, checked.</summary>
    public static CorrespondenceOptions ReadOptions(Fields reader, JsonElement root)
    {
        var o = reader.Object(reader.Get(root, "options", "options"), "options");
        var unitName = reader.String(o, "unit", "options.unit");
        var tfName = reader.String(o, "tf", "options.tf");
        var options = new CorrespondenceOptions
        {
            Unit = unitName switch { "l2" => TypeLevel.L2, "l3" => TypeLevel.L3, _ => throw reader.Bad("options.unit", "l2 or l3") },
            Tf = tfName switch { "share" => TfScheme.Share, "sublinear" => TfScheme.Sublinear, _ => throw reader.Bad("options.tf", "share or sublinear") },
            L2Normalize = reader.Bool(o, "l2_normalize", "options.l2_normalize"),
            MinSupport = (int)reader.Int(o, "min_support", "options.min_support"),
            DfMinShare = reader.Number(o, "df_min_share", "options.df_min_share"),
            MaxTagsPerType = (int)reader.Int(o, "max_tags_per_type", "options.max_tags_per_type"),
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"{reader.Source}: {e.Message}"); }
        return options;
    }

    /// <summary>The "seed" object of <paramref name="root"/>.</summary>
    public static SeedSummary ReadSeed(Fields reader, JsonElement root)
    {
        var s = reader.Object(reader.Get(root, "seed", "seed"), "seed");
        return new SeedSummary(reader.Int(s, "samples", "seed.samples"), reader.Int(s, "used", "seed.used"),
            reader.Int(s, "without_image_tags", "seed.without_image_tags"), reader.Int(s, "without_type", "seed.without_type"),
            reader.Int(s, "ignored_instruction_tags", "seed.ignored_instruction_tags"));
    }

    /// <summary>Typed access to a file's fields, each failure naming the field and the file.</summary>
    internal sealed class Fields(string source)
    {
        public string Source => source;

        public InvalidDataException Bad(string field, string expected) => new($"{source}: field '{field}' must be {expected}");

        public JsonElement Get(JsonElement obj, string name, string at) =>
            obj.TryGetProperty(name, out var value) ? value : throw new InvalidDataException($"{source}: field '{at}' is missing");

        public JsonElement Object(JsonElement value, string at) => value.ValueKind == JsonValueKind.Object ? value : throw Bad(at, "an object");

        public JsonElement.ArrayEnumerator Array(JsonElement value, string at) => value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw Bad(at, "an array");

        public string String(JsonElement obj, string name, string at) =>
            Get(obj, name, at) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Bad(at, "a string");

        public bool Bool(JsonElement obj, string name, string at) => Get(obj, name, at).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(at, "true or false"),
        };

        public long Int(JsonElement obj, string name, string at) => Int(Get(obj, name, at), at);

        public long Int(JsonElement value, string at) =>
            value is { ValueKind: JsonValueKind.Number } && value.TryGetInt64(out var n) && n is >= 0 and <= int.MaxValue ? n : throw Bad(at, "a whole number from 0 to 2^31-1");

        public double Number(JsonElement obj, string name, string at) =>
            Get(obj, name, at) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) && double.IsFinite(d) && d >= 0 ? d : throw Bad(at, "a number of 0 or more");
    }
}
