using System.Text.Json;
using System.Text.Json.Serialization;

namespace MMForge.Exports;

/// <summary>One part of an export in <c>export.json</c>.</summary>
public sealed class ExportedPartInfo
{
    public string Name { get; set; } = "";
    /// <summary>The dataset directory it was read from, as given.</summary>
    public string Input { get; set; } = "";
    public string RecordsFile { get; set; } = "";
    public long Records { get; set; }
    public long Rejected { get; set; }
    /// <summary>Its rejects, relative to the export root, when there are any.</summary>
    public string? RejectsFile { get; set; }
    public SortedDictionary<string, long> RejectedByRule { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// <c>export.json</c> at the export root: what was exported and how. It also marks the folder as
/// an mmforge export, which a later export may replace (any other non-empty folder is refused).
/// No timestamps, so the same export twice is byte-identical.
/// </summary>
public sealed class ExportManifest
{
    public const string FileName = "export.json";

    public int SchemaVersion { get; set; } = 1;
    public string Format { get; set; } = "";
    public string Images { get; set; } = "";
    /// <summary>What record image paths are relative to: always the export root.</summary>
    public string ImagePathsRelativeTo { get; set; } = ".";
    public List<ExportedPartInfo> Parts { get; set; } = [];
    public List<string> MetaFiles { get; set; } = [];
    public ImageCounts ImageCounts { get; set; } = new();

    [JsonIgnore] public long Records => Parts.Sum(p => p.Records);
    [JsonIgnore] public long Rejected => Parts.Sum(p => p.Rejected);

    public static bool IsExport(string dir) => File.Exists(Path.Combine(dir, FileName));

    public string ToJson() => JsonSerializer.Serialize(this, Pipeline.StateFileJson.Options) + "\n";

    public static ExportManifest Load(string dir) =>
        JsonSerializer.Deserialize<ExportManifest>(File.ReadAllText(Path.Combine(dir, FileName)), Pipeline.StateFileJson.Options)
        ?? throw new FormatException($"{dir}/{FileName} is empty");
}
