namespace MMForge.Dedup;

/// <summary>What makes two samples duplicates (exact duplicates are always removed).</summary>
public enum DedupMatch
{
    /// <summary>Only the Infinity-MM rule: the same pHash(es) and the same conversations.</summary>
    Exact,

    /// <summary>
    /// Near-duplicate images AND near-duplicate text: the same instruction asked about a
    /// re-encoded, resized or re-cropped picture. The default, for instruction data, where one
    /// image legitimately carries many different questions.
    /// </summary>
    ImageAndText,

    /// <summary>Near-duplicate images whatever the text: caption and alignment data, where the image is the sample.</summary>
    Image,

    /// <summary>Near-duplicate text whatever the image: text-only data, or templated instructions.</summary>
    Text,
}

/// <summary>Whether duplicates are looked for within each source or across all of them.</summary>
public enum DedupScope { Global, Source }

public sealed record DedupOptions
{
    public DedupMatch Match { get; init; } = DedupMatch.ImageAndText;

    public DedupScope Scope { get; init; } = DedupScope.Global;

    /// <summary>
    /// Largest pHash Hamming distance of near-duplicate images. 4 separates every real
    /// near-duplicate pair in the sample data (distances 0 and 4) from the closest distinct
    /// pair (distance 20) with a wide margin; see docs/dedup.md.
    /// </summary>
    public int MaxImageDistance { get; init; } = DefaultMaxImageDistance;

    public const int DefaultMaxImageDistance = 4;

    /// <summary>How text is compared (shingles, permutations, bands, Jaccard threshold); see docs/dedup-text.md.</summary>
    public Text.MinHashOptions Text { get; init; } = new();

    /// <summary>Whether the match compares text beyond exact copies.</summary>
    public bool ComparesText => Match is DedupMatch.Text or DedupMatch.ImageAndText;

    /// <summary>Whether the match compares images beyond exact copies.</summary>
    public bool ComparesImages => Match is DedupMatch.Image or DedupMatch.ImageAndText;

    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Where spill files go (temporary, deleted at the end).</summary>
    public string? SpillDirectory { get; init; }
}
