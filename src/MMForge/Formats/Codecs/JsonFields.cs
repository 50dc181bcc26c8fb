using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats.Codecs;

/// <summary>Typed access to record fields for codecs: wrong types become a <see cref="RecordException"/> naming the field.</summary>
public static class JsonFields
{
    public static JsonElement RequireObject(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw new RecordException(RejectRules.BadRecord, $"record must be a JSON object, found {Describe(record.ValueKind)}");
        return record;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static string? OptString(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw RecordException.BadField(field, $"a string, found {Describe(value.ValueKind)}"),
    };

    public static string RequireString(JsonElement value, string field) =>
        OptString(value, field) ?? throw RecordException.BadField(field, "a string, found null");

    public static double? OptNumber(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw RecordException.BadField(field, $"a number, found {Describe(value.ValueKind)}"),
    };

    public static int? OptInt(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt32(out var i) => i,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw RecordException.BadField(field, $"an integer, found {Describe(value.ValueKind)}"),
    };

    public static JsonElement RequireArray(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Array ? value : throw RecordException.BadField(field, $"an array, found {Describe(value.ValueKind)}");

    /// <summary>Reads an id written as a string or an integer (LLaVA uses both).</summary>
    public static void ReadId(JsonElement value, Sample sample)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: sample.Id = value.GetString()!; break;
            case JsonValueKind.Number: sample.Id = value.GetRawText(); sample.IdIsNumber = true; break;
            case JsonValueKind.Null: break;
            default: throw RecordException.BadField("id", $"a string or a number, found {Describe(value.ValueKind)}");
        }
    }

    public static void WriteId(Utf8JsonWriter writer, Sample sample, string name = "id")
    {
        writer.WritePropertyName(name);
        if (sample.IdIsNumber) writer.WriteRawValue(sample.Id, skipInputValidation: true);
        else writer.WriteStringValue(sample.Id);
    }

    /// <summary>Reads an image field given as one path or a list of paths.</summary>
    public static IEnumerable<string> ReadPathOrList(JsonElement value, string field)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return [value.GetString()!];
            case JsonValueKind.Null: return [];
            case JsonValueKind.Array:
                return value.EnumerateArray().Select((e, i) => RequireString(e, $"{field}[{i}]")).ToList();
            default: throw RecordException.BadField(field, $"a path or a list of paths, found {Describe(value.ValueKind)}");
        }
    }

    /// <summary>Adds the images named by a path-or-list field to the sample.</summary>
    public static void ReadImagePaths(JsonElement value, string field, Sample sample)
    {
        foreach (var path in ReadPathOrList(value, field)) sample.Images.Add(ImageRef.FromPath(path));
    }

    /// <summary>Writes image paths as one string when there is one image, as a list otherwise (the LLaVA convention).</summary>
    public static void WritePathOrList(Utf8JsonWriter writer, string name, IReadOnlyList<ImageRef> images)
    {
        if (images.Count == 1) { writer.WriteString(name, PathOf(images[0])); return; }
        WritePathList(writer, name, images);
    }

    public static void WritePathList(Utf8JsonWriter writer, string name, IReadOnlyList<ImageRef> images)
    {
        writer.WriteStartArray(name);
        foreach (var image in images) writer.WriteStringValue(PathOf(image));
        writer.WriteEndArray();
    }

    public static string PathOf(ImageRef image) =>
        image.Path ?? throw new InvalidOperationException("an image without a path reached a writer that needs paths");

    /// <summary>Reads a list of turn objects such as [{"from": "human", "value": "..."}], keeping unknown keys of each turn.</summary>
    public static void ReadTurns(JsonElement value, string field, string roleKey, string textKey, List<Turn> into)
    {
        var index = 0;
        foreach (var item in RequireArray(value, field).EnumerateArray())
        {
            var where = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object) throw RecordException.BadField(where, "an object");
            string? role = null, text = null;
            ExtraFields? extra = null;
            foreach (var property in item.EnumerateObject())
            {
                if (property.NameEquals(roleKey)) role = RequireString(property.Value, $"{where}.{roleKey}");
                else if (property.NameEquals(textKey)) text = OptString(property.Value, $"{where}.{textKey}") ?? "";
                else (extra ??= new()).Set(property.Name, property.Value);
            }
            if (role is null) throw RecordException.BadField($"{where}.{roleKey}", "present");
            into.Add(new Turn(Roles.Normalize(role), text ?? "") { Extra = extra });
        }
    }

    /// <summary>Writes turns as objects with the given keys; <paramref name="roleName"/> spells the canonical role for the format.</summary>
    public static void WriteTurns(Utf8JsonWriter writer, string field, IEnumerable<Turn> turns, string roleKey, string textKey, Func<string, string> roleName)
    {
        writer.WriteStartArray(field);
        foreach (var turn in turns)
        {
            writer.WriteStartObject();
            writer.WriteString(roleKey, roleName(turn.Role));
            writer.WriteString(textKey, turn.Value);
            turn.Extra?.WriteTo(writer);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Number of keys of <paramref name="record"/> that are in <paramref name="keys"/>; the basis of <see cref="IRecordCodec.Match"/>.</summary>
    public static int CountKeys(JsonElement record, params ReadOnlySpan<string> keys)
    {
        if (record.ValueKind != JsonValueKind.Object) return 0;
        var n = 0;
        foreach (var key in keys)
            if (record.TryGetProperty(key, out _)) n++;
        return n;
    }
}
