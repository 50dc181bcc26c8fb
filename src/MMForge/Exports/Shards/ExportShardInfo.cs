using System.Text.Json;

namespace MMForge.Exports.Shards;

/// <summary>
/// <c>export-shard.json</c>, written last into a sharded export's shard folder: what the shard
/// wrote of each part and the options the merge needs to finish the export as one process would.
/// </summary>
public sealed class ExportShardInfo
{
    public const string FileName = "export-shard.json";

    public string Format { get; set; } = "";
    public string Images { get; set; } = "";
    public bool AbsoluteMetaPaths { get; set; }

    /// <summary>What else makes two launches of the shard the same: the parts and their inputs, the caption prompt, the shard count.</summary>
    public string Parameters { get; set; } = "";

    /// <summary>The shard's run of each part: its records and rejects (their files are the shard's, named as the export's).</summary>
    public List<ExportedPartInfo> Parts { get; set; } = [];
    public ImageCounts ImageCounts { get; set; } = new();
    public string? LinkFallbackReason { get; set; }

    /// <summary>Whether a shard written with <paramref name="other"/>'s options can stand for it.</summary>
    public bool SameOptions(ExportShardInfo other) =>
        (Format, Images, AbsoluteMetaPaths, Parameters) == (other.Format, other.Images, other.AbsoluteMetaPaths, other.Parameters);

    public string ToJson() => JsonSerializer.Serialize(this, Pipeline.StateFileJson.Options) + "\n";

    public static ExportShardInfo Load(string shardDir) =>
        JsonSerializer.Deserialize<ExportShardInfo>(File.ReadAllText(Path.Combine(shardDir, FileName)), Pipeline.StateFileJson.Options)
        ?? throw new FormatException($"{shardDir}/{FileName} is empty");
}
