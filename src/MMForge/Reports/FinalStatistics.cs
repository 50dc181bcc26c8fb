using MMForge.Media.VisualTokens;
using MMForge.Records;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.Statistics;

namespace MMForge.Reports;

/// <summary>
/// Counters over the final samples, filled in one streaming pass: per source and per mix totals,
/// the text-length and visual-token histograms and the tag statistics. Memory grows with the
/// number of sources, mixes and distinct tags (bounded by the tag vocabulary), never with samples.
/// Every figure is a count or a sum, so statistics filled on several threads <see cref="Merge"/>
/// into the figures of one pass. Not thread-safe.
/// </summary>
public sealed class FinalStatistics
{
    /// <summary>The token model of the histogram: what Aquila-VL-2B, the Infinity-MM model, trained with.</summary>
    public const string TokenModel = VisualTokenBudget.LlavaOneVision;

    /// <summary>Characters of the conversation; roughly doubling steps from a short caption to a long document.</summary>
    private static readonly long[] TextBounds = [0, 50, 100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800];

    /// <summary>
    /// Visual tokens per sample: 0 is text-only, 729 one AnyRes base view, about 7,300 the
    /// AnyRes-Max-9 ceiling of one image; samples with several images go past it.
    /// </summary>
    private static readonly long[] TokenBounds = [0, 1, 730, 1_500, 3_000, 4_500, 6_000, 7_500, 15_000];

    private readonly SortedDictionary<string, PartTotals> _sources = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, PartTotals> _mixes = new(StringComparer.Ordinal);
    private readonly FixedBins _textLength = new(TextBounds);
    private readonly FixedBins _visualTokens = new(TokenBounds);

    public TagStatistics Tags { get; } = new();
    public long Samples { get; private set; }
    public long Images { get; private set; }
    public long TextOnly { get; private set; }
    public long VisualTokens { get; private set; }
    public long WithoutImageSizes { get; private set; }
    public long Unreadable { get; set; }

    public IReadOnlyDictionary<string, PartTotals> Sources => _sources;
    public IReadOnlyDictionary<string, PartTotals> MixTotals => _mixes;

    public void Add(Sample sample, string source, string? mix)
    {
        Samples++;
        Images += sample.Images.Count;
        var chars = ConversationText.Characters(sample);
        _textLength.Add(chars);
        Part(_sources, source).Add(sample, chars);
        if (mix is not null) Part(_mixes, mix).Add(sample, chars);
        Tags.Add(sample);

        if (sample.Images.Count == 0)
        {
            TextOnly++;
            _visualTokens.Add(0);
        }
        else if (sample.VisualTokens.TryGetValue(TokenModel, out var tokens))
        {
            VisualTokens += tokens;
            _visualTokens.Add(tokens);
        }
        else WithoutImageSizes++; // not hashed: the size, and so the cost, is unknown
    }

    /// <summary>Adds what <paramref name="other"/> counted.</summary>
    public void Merge(FinalStatistics other)
    {
        Samples += other.Samples;
        Images += other.Images;
        TextOnly += other.TextOnly;
        VisualTokens += other.VisualTokens;
        WithoutImageSizes += other.WithoutImageSizes;
        Unreadable += other.Unreadable;
        _textLength.Merge(other._textLength);
        _visualTokens.Merge(other._visualTokens);
        Tags.Merge(other.Tags);
        foreach (var (key, part) in other._sources) Part(_sources, key).Merge(part);
        foreach (var (key, part) in other._mixes) Part(_mixes, key).Merge(part);
    }

    public HistogramData TextLength() => _textLength.ToData("characters of the conversation (Unicode code points, <image> placeholders removed)", 0);

    public HistogramData VisualTokenHistogram() =>
        _visualTokens.ToData($"visual tokens per sample ({TokenModel}); samples whose image sizes are unknown are excluded", WithoutImageSizes);

    private static PartTotals Part(SortedDictionary<string, PartTotals> parts, string key)
    {
        if (!parts.TryGetValue(key, out var part)) parts[key] = part = new PartTotals();
        return part;
    }
}

/// <summary>Totals of one source or one mix of the final data.</summary>
public sealed class PartTotals
{
    public long Samples { get; private set; }
    public long Images { get; private set; }
    public long Turns { get; private set; }
    public long TextChars { get; private set; }

    /// <summary>Samples per L1 instruction type, each sample counted once per type.</summary>
    public SortedDictionary<string, long> L1Types { get; } = new(StringComparer.Ordinal);

    public double MeanTurns => Samples == 0 ? 0 : Math.Round((double)Turns / Samples, 2);
    public double MeanTextChars => Samples == 0 ? 0 : Math.Round((double)TextChars / Samples, 1);

    public void Add(Sample sample, long chars)
    {
        Samples++;
        Images += sample.Images.Count;
        Turns += sample.Turns.Count;
        TextChars += chars;
        foreach (var type in sample.InstructionTags.Select(t => TypePath.Truncate(t.Path, 1)).OfType<string>().Distinct(StringComparer.Ordinal))
            L1Types[type] = L1Types.GetValueOrDefault(type) + 1;
    }

    public void Merge(PartTotals other)
    {
        Samples += other.Samples;
        Images += other.Images;
        Turns += other.Turns;
        TextChars += other.TextChars;
        foreach (var (type, n) in other.L1Types) L1Types[type] = L1Types.GetValueOrDefault(type) + n;
    }
}
