using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats.Documents;

/// <summary>
/// Reads records whose keys and role names a LLaMA-Factory dataset_info.json entry renamed
/// ("columns" and "tags"): each record is rewritten with the standard names and handed to the
/// codec of its formatting, so every codec keeps reading one fixed layout. Writing uses the
/// standard names.
/// </summary>
public sealed class RenamedKeysCodec(IRecordCodec inner, KeyRenames renames) : IRecordCodec
{
    public string Name => inner.Name;
    public string Description => inner.Description;
    public bool EmbedsImages => inner.EmbedsImages;

    public int Match(JsonElement record) => inner.Match(record);

    public Sample Decode(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object) return inner.Decode(record);
        var standard = JsonText.Utf8(w => Rewrite(w, record));
        using var doc = JsonDocument.Parse(standard, JsonText.ReadOptions);
        return inner.Decode(doc.RootElement);
    }

    public void Encode(Utf8JsonWriter writer, Sample sample) => inner.Encode(writer, sample);

    public string? CannotWrite(Sample sample) => inner.CannotWrite(sample);

    private void Rewrite(Utf8JsonWriter w, JsonElement record)
    {
        w.WriteStartObject();
        foreach (var property in record.EnumerateObject())
        {
            var name = renames.Columns.GetValueOrDefault(property.Name, property.Name);
            w.WritePropertyName(name);
            if (name == renames.TurnsColumn && property.Value.ValueKind == JsonValueKind.Array) RewriteTurns(w, property.Value);
            else property.Value.WriteTo(w);
        }
        w.WriteEndObject();
    }

    private void RewriteTurns(Utf8JsonWriter w, JsonElement turns)
    {
        w.WriteStartArray();
        foreach (var turn in turns.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object) { turn.WriteTo(w); continue; }
            w.WriteStartObject();
            foreach (var property in turn.EnumerateObject())
            {
                var name = renames.TurnKeys.GetValueOrDefault(property.Name, property.Name);
                w.WritePropertyName(name);
                if (name == renames.RoleKey && property.Value.ValueKind == JsonValueKind.String)
                    w.WriteStringValue(renames.Roles.GetValueOrDefault(property.Value.GetString()!, property.Value.GetString()!));
                else property.Value.WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

/// <summary>What a dataset_info.json entry renamed, as maps from the dataset's names to the standard ones.</summary>
public sealed record KeyRenames(
    IReadOnlyDictionary<string, string> Columns,
    string? TurnsColumn,
    IReadOnlyDictionary<string, string> TurnKeys,
    string RoleKey,
    IReadOnlyDictionary<string, string> Roles)
{
    public bool IsEmpty => Columns.Count == 0 && TurnKeys.Count == 0 && Roles.Count == 0;
}
