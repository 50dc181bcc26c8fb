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
    /// Largest pHash Hamming distance of near-duplicate images. 6 keeps every re-encoded,
    /// resized, brightened or grey copy of the 26 sample images (at most 6 bits away) and most
    /// 2% crops, while the closest distinct sample images are 20 bits apart; k = 4 would lose a
    /// quarter of the light crops, k = 8 costs 2.5x the search time for one more. See
    /// docs/dedup.md (the phash-k benchmark).
    /// </summary>
    public int MaxImageDistance { get; init; } = DefaultMaxImageDistance;

    public const int DefaultMaxImageDistance = 6;

    /// <summary>How text is compared (shingles, permutations, bands, Jaccard threshold); see docs/dedup-text.md.</summary>
    public Text.MinHashOptions Text { get; init; } = new();

    /// <summary>Whether the match compares text beyond exact copies.</summary>
    public bool ComparesText => Match is DedupMatch.Text or DedupMatch.ImageAndText;

    /// <summary>Whether the match compares images beyond exact copies.</summary>
    public bool ComparesImages => Match is DedupMatch.Image or DedupMatch.ImageAndText;

    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Where spill files go (temporary, deleted at the end).</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>
    /// About how many samples the decide step of a sharded near-match dedup across sources decides
    /// at once (<see cref="GroupPartitions"/>; a group of linked samples is never split).
    /// Changes the step's memory, never its decisions.
    /// </summary>
    public int DecidePartitionSize { get; init; } = DefaultDecidePartitionSize;

    public const int DefaultDecidePartitionSize = 1 << 18;
}
