using System.Text.Json;
using System.Text.Json.Serialization;

namespace MMForge.Pipeline;

/// <summary>
/// How mmforge writes the JSON files it keeps about its work (manifest.json, run.json,
/// mixes.json, export.json and the trainers' meta files, report.json): snake_case names,
/// indented, non-ASCII text as it is, null members left out. One definition, so they all read alike.
/// </summary>
public static class StateFileJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
