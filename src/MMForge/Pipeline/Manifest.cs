using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>
/// manifest.json of a dataset directory: what is in it, where it came from and which stages
/// made it. Written last, so its presence marks a complete dataset. Holds no timestamps:
/// the same input and settings give the same bytes.
/// </summary>
public sealed class Manifest
{
    public const int CurrentSchemaVersion = 1;
    public const string FileName = "manifest.json";

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public string Format { get; set; } = "mmforge";
    public long Records { get; set; }
    public long Rejected { get; set; }

    /// <summary>Kept records per sample source.</summary>
    public SortedDictionary<string, long> RecordsBySource { get; set; } = new(StringComparer.Ordinal);

    public List<ShardInfo> Shards { get; set; } = [];
    public List<SourceInfo> Sources { get; set; } = [];

    /// <summary>Image root name -> absolute directory; image paths in records are relative to their root.</summary>
    public SortedDictionary<string, string> ImageRoots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Rejected records by the rule that rejected them.</summary>
    public SortedDictionary<string, long> RejectsByRule { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Samples that lost question/answer pairs but were kept, by rule (the pairs are in the rejects file).</summary>
    public SortedDictionary<string, long> DroppedPairsByRule { get; set; } = new(StringComparer.Ordinal);
    public List<StageInfo> Stages { get; set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, StateFileJson.Options) + "\n";

    public static Manifest Load(string datasetDir)
    {
        var path = Path.Combine(datasetDir, FileName);
        try
        {
            var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), StateFileJson.Options)
                ?? throw new FormatException($"{path} is empty");
            if (manifest.SchemaVersion > CurrentSchemaVersion)
                throw new FormatException($"{path} has schema version {manifest.SchemaVersion}; this mmforge reads up to {CurrentSchemaVersion}");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: invalid manifest at {MMForge.Formats.JsonErrors.Position(e)}: {MMForge.Formats.JsonErrors.Reason(e)}", e);
        }
    }
}

public sealed class ShardInfo
{
    public string File { get; set; } = "";
    public long Records { get; set; }
    public long Bytes { get; set; }
}

public sealed class SourceInfo
{
    public string Name { get; set; } = "";
    public string? File { get; set; }
    public string Format { get; set; } = "";
    public string? Container { get; set; }
    public string? ImageRoot { get; set; }
    public long Records { get; set; }
    public long Rejected { get; set; }
    public SortedDictionary<string, string>? Info { get; set; }
}

/// <summary>One stage that produced the dataset, with the parameters it ran with and its counts.</summary>
public sealed class StageInfo
{
    public string Name { get; set; } = "";
    public JsonObject Params { get; set; } = [];
    public long RecordsIn { get; set; }
    public long RecordsOut { get; set; }
    public long Rejected { get; set; }

    /// <summary>What this stage read, with its counts per input.</summary>
    public List<InputInfo> Inputs { get; set; } = [];
}

/// <summary>One input of a stage and what became of its records.</summary>
public sealed class InputInfo
{
    public string Name { get; set; } = "";
    public string? File { get; set; }
    public string Format { get; set; } = "";
    public long Records { get; set; }
    public long Rejected { get; set; }
}
