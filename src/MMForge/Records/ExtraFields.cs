using System.Text.Json;

namespace MMForge.Records;

/// <summary>
/// Unknown fields of a source record, in source order, each value kept as compact JSON text so
/// it can be written back unchanged by any writer.
/// </summary>
public sealed class ExtraFields : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public int Count => _fields.Count;

    /// <summary>Adds or replaces a field; <paramref name="json"/> must be a JSON value.</summary>
    public void Set(string name, string json)
    {
        var i = _fields.FindIndex(f => f.Key == name);
        if (i >= 0) _fields[i] = new(name, json);
        else _fields.Add(new(name, json));
    }

    /// <summary>Keeps a parsed JSON value, re-serialised compactly.</summary>
    public void Set(string name, JsonElement value) => Set(name, JsonText.Compact(value));

    public string? Get(string name) => _fields.FirstOrDefault(f => f.Key == name).Value;

    public bool Remove(string name) => _fields.RemoveAll(f => f.Key == name) > 0;

    /// <summary>Writes every field as a property of the object <paramref name="writer"/> is inside.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        foreach (var (name, json) in _fields)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _fields.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
