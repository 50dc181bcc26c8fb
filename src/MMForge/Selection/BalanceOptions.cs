using MMForge.Records;

namespace MMForge.Selection;

/// <summary>What groups samples for the quota-stratified selection.</summary>
public enum StratumKey { None, Source, TypeL1, TypeL2, ImageTag }

/// <summary>The distribution the quotas aim at.</summary>
public enum TargetKind { Uniform, Natural, Weights }

/// <summary>Options of the balanced selection over the pooled inputs (docs/selection.md).</summary>
public sealed record BalanceOptions
{
    /// <summary>The group of a sample that has none of what the stratum key looks at (no instruction type, no image tag).</summary>
    public const string NoGroup = "(none)";

    public StratumKey By { get; init; } = StratumKey.None;
    public TargetKind Target { get; init; } = TargetKind.Uniform;

    /// <summary>Weight per group when <see cref="Target"/> is <see cref="TargetKind.Weights"/>; groups not listed get none.</summary>
    public IReadOnlyDictionary<string, double> Weights { get; init; } = new Dictionary<string, double>();

    public long? CapPerGroup { get; init; }
    public long? MaxRecords { get; init; }

    /// <summary>Within a group, prefer samples whose image tags are least covered so far (SVIT-like) instead of the seeded shuffle.</summary>
    public bool Diversity { get; init; }

    /// <summary>Drop samples whose answers lean to the commoner of "yes" and "no" until both are as many.</summary>
    public bool YesNoBalance { get; init; }

    /// <summary>Whether anything narrows the pool at all; without it every decoded sample goes on to the mixes.</summary>
    public bool Selects => By != StratumKey.None || CapPerGroup is not null || MaxRecords is not null || YesNoBalance;

    /// <summary>
    /// A sample's group: its source; the first or first two levels of its first instruction type
    /// ("Perception", "Perception/Coarse Perception"); or its image tag of the highest score (the
    /// first listed on a tie, and tags without score after scored ones).
    /// </summary>
    public string StratumOf(Sample sample) => By switch
    {
        StratumKey.Source => sample.Source ?? NoGroup,
        StratumKey.TypeL1 => TypePrefix(sample, 1),
        StratumKey.TypeL2 => TypePrefix(sample, 2),
        StratumKey.ImageTag => sample.ImageTags.Count == 0 ? NoGroup
            : sample.ImageTags.Select((t, i) => (t.Tag, Score: t.Score ?? double.NegativeInfinity, i)).OrderByDescending(t => t.Score).ThenBy(t => t.i).First().Tag,
        _ => "",
    };

    private static string TypePrefix(Sample sample, int levels)
    {
        if (sample.InstructionTags.Count == 0) return NoGroup;
        var parts = sample.InstructionTags[0].Path.Split('/');
        return parts.Length < levels ? NoGroup : string.Join('/', parts.Take(levels));
    }

    public static StratumKey ParseKey(string text) => text switch
    {
        "none" => StratumKey.None,
        "source" => StratumKey.Source,
        "type-l1" => StratumKey.TypeL1,
        "type-l2" => StratumKey.TypeL2,
        "image-tag" => StratumKey.ImageTag,
        _ => throw new ArgumentException($"'{text}' is not a stratum key: none, source, type-l1, type-l2, image-tag"),
    };
}
