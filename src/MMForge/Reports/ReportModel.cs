using System.Text.Json;
using System.Text.Json.Serialization;

namespace MMForge.Reports;

/// <summary>
/// Everything <c>report.json</c> holds, and everything <c>report.html</c> draws: the same numbers.
/// No timestamps and no absolute paths, so the same input gives the same bytes.
/// </summary>
public sealed class ReportModel
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>run, dataset or mixes.</summary>
    public string Input { get; set; } = "";

    /// <summary>The input directory's name (not its path, which would differ between machines).</summary>
    public string Name { get; set; } = "";

    public List<FunnelStep> Funnel { get; set; } = [];
    public List<RuleCount> RejectsByRule { get; set; } = [];
    public List<RuleCount> DroppedPairsByRule { get; set; } = [];
    public List<KindCount> DuplicatesByKind { get; set; } = [];
    public List<SourceRow> Sources { get; set; } = [];
    public List<MixRow> Mixes { get; set; } = [];
    public FinalTotals Totals { get; set; } = new();
    public TagSection Tags { get; set; } = new();
    public HistogramData TextLength { get; set; } = new();
    public HistogramData VisualTokens { get; set; } = new();
    public List<GalleryItem> Gallery { get; set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Pipeline.StateFileJson.Options) + "\n";
}

/// <summary>Records out of one stage, in pipeline order.</summary>
public sealed class FunnelStep
{
    public string Stage { get; set; } = "";
    public string Command { get; set; } = "";
    public long Records { get; set; }
}

/// <summary>Records (or, for dropped pairs, samples that lost pairs) a rule took out at a stage.</summary>
public sealed class RuleCount
{
    public string Stage { get; set; } = "";
    public string Rule { get; set; } = "";
    public long Count { get; set; }
}

/// <summary>Samples removed as duplicates of one kind (clusters.jsonl: exact, near-image, near-text, near-image-text).</summary>
public sealed class KindCount
{
    public string Kind { get; set; } = "";
    public long Count { get; set; }
}

/// <summary>One line of the data-source table, as the Infinity-MM paper lists its sources.</summary>
public sealed class SourceRow
{
    public string Source { get; set; } = "";

    /// <summary>Samples the first stage (ingest) kept for this source; null when the input holds no ingest.</summary>
    public long? Ingested { get; set; }

    /// <summary>Samples in the final data.</summary>
    public long Kept { get; set; }

    /// <summary>Kept / all kept samples.</summary>
    public double Share { get; set; }
    public long Images { get; set; }
    public double MeanTurns { get; set; }

    /// <summary>Mean characters (Unicode code points) of the conversation, image placeholders removed.</summary>
    public double MeanTextChars { get; set; }

    /// <summary>Formats of the input files the source was read from, when the ingest names them.</summary>
    public List<string> Formats { get; set; } = [];
}

/// <summary>One stage mix of a selection: what mixes.json says and what its samples hold.</summary>
public sealed class MixRow
{
    public string Name { get; set; } = "";
    public long Records { get; set; }

    /// <summary>Visual tokens under the mix's own image budget, as mixes.json records them.</summary>
    public long VisualTokens { get; set; }
    public int? MaxGrid { get; set; }
    public long Images { get; set; }
    public double MeanTextChars { get; set; }

    /// <summary>Instruction types at L1 in this mix; share = of the mix's samples.</summary>
    public List<TypeShare> L1Types { get; set; } = [];
}

/// <summary>Totals of the final data.</summary>
public sealed class FinalTotals
{
    public long Samples { get; set; }
    public long Images { get; set; }
    public long TextOnly { get; set; }

    /// <summary>Records of the final data that could not be read (a damaged shard, a bad record); not in any count.</summary>
    public long Unreadable { get; set; }

    /// <summary>The model whose visual tokens the histogram and the total count.</summary>
    public string VisualTokenModel { get; set; } = "";

    /// <summary>Visual tokens of the samples whose image sizes are all known.</summary>
    public long VisualTokens { get; set; }

    /// <summary>Samples with images whose sizes are not all known (not hashed): outside the token histogram and total.</summary>
    public long WithoutImageSizes { get; set; }
}

/// <summary>
/// The tag statistics of the final data, as <see cref="Tagging.Statistics.TagStatistics"/> writes
/// them: image tags, instruction types per level, and the image-tag x L2-type matrix.
/// </summary>
public sealed class TagSection
{
    public long Samples { get; set; }
    public long SamplesWithImageTags { get; set; }
    public long SamplesWithInstructionTags { get; set; }
    public long InvalidInstructionTags { get; set; }
    public long DistinctImageTags { get; set; }
    public List<TagShare> ImageTags { get; set; } = [];
    public Dictionary<string, List<TypeShare>> InstructionTypes { get; set; } = [];
    public TagMatrix Matrix { get; set; } = new();
}

public sealed class TagShare
{
    public string Tag { get; set; } = "";
    public long Count { get; set; }
    public double Share { get; set; }
}

public sealed class TypeShare
{
    public string Type { get; set; } = "";
    public long Count { get; set; }
    public double Share { get; set; }
}

/// <summary>Samples carrying each (image tag, instruction type) pair: counts[tag row][type column].</summary>
public sealed class TagMatrix
{
    public string Level { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public List<string> Types { get; set; } = [];
    public List<List<long>> Counts { get; set; } = [];
}

/// <summary>A histogram over fixed bins [From, To); To null for the open last bin.</summary>
public sealed class HistogramData
{
    /// <summary>What is counted, e.g. "characters" or "visual tokens (llava-onevision)".</summary>
    public string Unit { get; set; } = "";
    public List<HistogramBin> Bins { get; set; } = [];

    /// <summary>Samples left out of the bins, with why (e.g. image sizes unknown).</summary>
    public long Excluded { get; set; }
}

public sealed class HistogramBin
{
    public long From { get; set; }
    public long? To { get; set; }
    public long Count { get; set; }
}

/// <summary>A sample shown in the gallery: its conversation and its images.</summary>
public sealed class GalleryItem
{
    public string Id { get; set; } = "";
    public string Source { get; set; } = "";
    public string? Mix { get; set; }
    public List<GalleryImage> Images { get; set; } = [];
    public List<GalleryTurn> Turns { get; set; } = [];
    public List<string> InstructionTypes { get; set; } = [];
    public List<string> ImageTags { get; set; } = [];
}

public sealed class GalleryImage
{
    /// <summary>The image path as the record names it (or "embedded").</summary>
    public string Name { get; set; } = "";
    public int? Width { get; set; }
    public int? Height { get; set; }

    /// <summary>Why the image is not shown, when it is not.</summary>
    public string? Missing { get; set; }

    /// <summary>The thumbnail as a data: URI, drawn in the HTML only (report.json keeps the numbers).</summary>
    [JsonIgnore] public string? DataUri { get; set; }
}

public sealed class GalleryTurn
{
    public string From { get; set; } = "";
    public string Value { get; set; } = "";
}
