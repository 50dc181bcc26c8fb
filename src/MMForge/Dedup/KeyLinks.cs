namespace MMForge.Dedup;

/// <summary>
/// What a shard's key step files beside its keys when near duplicates are searched across sources,
/// so that the reduce steps can link every two samples that may be near duplicates, each step
/// holding only its partition (<see cref="LinkEntries"/>):
/// <list type="bullet">
/// <item>when images are compared, every hashed sample's pHash under its segments' partitions (<see cref="PhashSegments"/>);</item>
/// <item>when text is compared, the band buckets of every sample with text (<c>--match text</c>), or,
/// under <c>image+text</c>, of those without a pHash: a hashed sample's text is only compared
/// within its group of near images, which the pHash links already connect (<see cref="TextBands"/>);
/// and every sample's signature, by which the reduce steps verify a bucket's pairs and the decide
/// step decides (<see cref="ShardSignatures"/>).</item>
/// </list>
/// The links connect every duplicate cluster one process finds, so the decide step can decide it
/// on its group alone.
/// </summary>
internal sealed class KeyLinks : IDisposable
{
    private readonly DedupOptions _options;
    private readonly LinkEntries.Writer? _segments, _bands;
    private readonly ShardSignatures.Writer? _signatures;
    private readonly ulong[] _buckets;

    /// <param name="keyFile">The shard's key file: the link files go beside it.</param>
    public KeyLinks(string keyFile, string parameters, int partitions, DedupOptions options)
    {
        _options = options;
        _buckets = new ulong[options.Text.Bands];
        if (options.ComparesImages)
            _segments = new LinkEntries.Writer(KeyShards.Beside(keyFile, PhashSegments.FileName), parameters, partitions,
                (phash, into) => PhashSegments.PartitionsOf(phash, options.MaxImageDistance, partitions, into), options.MaxImageDistance + 1);
        if (!options.ComparesText) return;
        _bands = new LinkEntries.Writer(KeyShards.Beside(keyFile, TextBands.FileName), parameters, partitions,
            (bucket, into) => TextBands.PartitionOf(bucket, partitions, into), 1);
        _signatures = new ShardSignatures.Writer(KeyShards.Beside(keyFile, ShardSignatures.FileName), options.Text.Permutations);
    }

    /// <summary>Files the sample at <paramref name="shardOrdinal"/> of its shard (its signature stays the caller's).</summary>
    public void Add(int shardOrdinal, KeyedSample keyed)
    {
        var key = keyed.Key;
        if (_segments is not null && key.HasPhash) _segments.Add(shardOrdinal, key.Phash);
        if (keyed.Signature is { } signature) _signatures?.Add(signature);
        if (_bands is null || !key.HasText || (_segments is not null && key.HasPhash)) return;
        TextBands.BucketsOf(keyed.Signature.AsSpan(0, _options.Text.Permutations), _options.Text, _buckets);
        foreach (var bucket in _buckets) _bands.Add(shardOrdinal, bucket);
    }

    public void Complete()
    {
        _segments?.Complete();
        _bands?.Complete();
    }

    public void Dispose()
    {
        _segments?.Dispose();
        _bands?.Dispose();
        _signatures?.Dispose();
    }

    /// <summary>Whether the link files beside <paramref name="keyFile"/> are complete and made with <paramref name="parameters"/>.</summary>
    public static bool Written(string keyFile, string parameters, DedupOptions options) =>
        FileNames(options).All(name => LinkEntries.ParametersOf(KeyShards.Beside(keyFile, name)) == parameters)
        && (!options.ComparesText || File.Exists(KeyShards.Beside(keyFile, ShardSignatures.FileName)));

    /// <summary>
    /// The links among partition <paramref name="partition"/>'s entries of every shard (key files
    /// <paramref name="keyFiles"/> in shard order, <paramref name="shardSamples"/> samples each), on global ordinals.
    /// </summary>
    public static List<(int A, int B)> Find(IReadOnlyList<string> keyFiles, IReadOnlyList<long> shardSamples, int partition, DedupOptions options)
    {
        (int[], ulong[]) Entries(string fileName) => LinkEntries.Read([.. keyFiles.Select(f => KeyShards.Beside(f, fileName))], shardSamples, partition);
        var links = options.ComparesImages ? PhashSegments.Links(Entries(PhashSegments.FileName), options.MaxImageDistance, options.Workers) : [];
        if (!options.ComparesText) return links;
        using var signatures = new ShardSignatures.Lookup(keyFiles, shardSamples, options.Text.Permutations);
        links.AddRange(TextBands.Links(Entries(TextBands.FileName), i => signatures[i], options.Text));
        return links;
    }

    private static IEnumerable<string> FileNames(DedupOptions options) =>
        [.. options.ComparesImages ? [PhashSegments.FileName] : Array.Empty<string>(), .. options.ComparesText ? [TextBands.FileName] : Array.Empty<string>()];
}
