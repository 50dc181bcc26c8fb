using MMForge.Records;

namespace MMForge.Tagging.Correspondence;

/// <summary>
/// The image-tag x instruction-type correspondence of METHOD.md section 4. Each instruction
/// type is a document made of the image tags of its seed samples; a tag's TF-IDF weight in a
/// type says how typical images with that tag are of the type. A new image is scored against
/// every type from its own tags (<see cref="Score"/>). Formulas: docs/correspondence.md.
/// </summary>
public sealed class CorrespondenceModel
{
    public const int FormatVersion = 1;

    /// <summary>Supported types holding each tag, with its weight there: scoring walks only the image's own tags.</summary>
    private readonly Dictionary<string, List<(string Type, double Weight)>> _postings = new(StringComparer.Ordinal);

    public CorrespondenceModel(CorrespondenceOptions options, SeedSummary seed, IReadOnlyDictionary<string, TagIdf> idf, IReadOnlyList<TypeProfile> types)
    {
        Options = options;
        Seed = seed;
        Idf = idf;
        Types = types;
        foreach (var type in types.Where(t => t.Supported))
            foreach (var tag in type.Tags)
            {
                if (!_postings.TryGetValue(tag.Tag, out var list)) _postings[tag.Tag] = list = [];
                list.Add((type.Type, tag.Weight));
            }
    }

    public CorrespondenceOptions Options { get; }

    public SeedSummary Seed { get; }

    /// <summary>Every tag seen in the seed set, by tag (ordinal order). df counts supported types only.</summary>
    public IReadOnlyDictionary<string, TagIdf> Idf { get; }

    /// <summary>Every type seen in the seed set, supported or not, by type path (ordinal order).</summary>
    public IReadOnlyList<TypeProfile> Types { get; }

    /// <summary>N of the IDF: the number of supported types.</summary>
    public int Documents => Types.Count(t => t.Supported);

    /// <summary>Fits the model in one streaming pass over the seed samples.</summary>
    public static CorrespondenceModel Fit(IEnumerable<Sample> seed, CorrespondenceOptions options)
    {
        options.Validate();
        var counts = new CorrespondenceCounts(options.Unit);
        foreach (var sample in seed) counts.Add(sample);
        return FromCounts(counts, options);
    }

    /// <summary>
    /// Builds the model from gathered counts. With n_T seed samples of type T, c the number of
    /// them carrying tag t, N supported types and df_t of them where c / n_T is at least
    /// <see cref="CorrespondenceOptions.DfMinShare"/>:
    /// tf = c / n_T (or 1 + ln c), idf = ln((1 + N) / (1 + df_t)) + 1, w = tf * idf, then
    /// w / ||w||_2 over all of T's tags when <see cref="CorrespondenceOptions.L2Normalize"/>.
    /// </summary>
    public static CorrespondenceModel FromCounts(CorrespondenceCounts counts, CorrespondenceOptions options)
    {
        options.Validate();
        if (counts.Unit != options.Unit) throw new ArgumentException($"counts were gathered at {counts.Unit}, the options ask for {options.Unit}");
        var types = counts.Types.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        bool IsSupported(CorrespondenceCounts.TypeCounts c) => c.Seeds >= options.MinSupport;
        var supported = types.Count(t => IsSupported(t.Value));

        var df = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, c) in types)
            foreach (var (tag, n) in c.Tags)
                df[tag] = df.GetValueOrDefault(tag) + (IsSupported(c) && (double)n / c.Seeds >= options.DfMinShare ? 1 : 0);
        var idf = new SortedDictionary<string, TagIdf>(StringComparer.Ordinal);
        foreach (var (tag, n) in df) idf[tag] = new TagIdf(n, Math.Log((1.0 + supported) / (1.0 + n)) + 1.0);

        var profiles = types.Select(t => Profile(t.Key, t.Value, IsSupported(t.Value), idf, options)).ToList();
        return new CorrespondenceModel(options, counts.Summary, idf, profiles);
    }

    private static TypeProfile Profile(string type, CorrespondenceCounts.TypeCounts counts, bool supported, IReadOnlyDictionary<string, TagIdf> idf, CorrespondenceOptions options)
    {
        // ordinal tag order fixes the summation order of the norm, so the same counts give the same bits however they were gathered
        var weights = counts.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
        {
            var tf = options.Tf == TfScheme.Share ? (double)t.Value / counts.Seeds : 1.0 + Math.Log(t.Value);
            var tagIdf = idf[t.Key].Idf;
            return new TagWeight(t.Key, t.Value, tf, tagIdf, tf * tagIdf);
        }).ToList();
        if (options.L2Normalize)
        {
            var norm = Math.Sqrt(weights.Sum(w => w.Weight * w.Weight));
            weights = weights.Select(w => w with { Weight = w.Weight / norm }).ToList();
        }
        var ranked = weights.OrderByDescending(w => w.Weight).ThenBy(w => w.Tag, StringComparer.Ordinal);
        var kept = options.MaxTagsPerType == 0 ? ranked.ToList() : ranked.Take(options.MaxTagsPerType).ToList();
        return new TypeProfile(type, counts.Seeds, supported, weights.Count, kept);
    }

    /// <summary>
    /// Scores every supported type for an image with these tags. Tag scores are divided by the
    /// image's largest, so RAM++ raw scores (up to ~10) and 0..1 confidences weigh alike, then
    /// the image vector is scaled to unit length: score(T) = sum over the image's tags t of
    /// w(T, t) * s_t / ||s||_2, a cosine in [0, 1] when weights are L2-normalised and all kept.
    /// Returns the types with a positive score, best first (ties by type), each with its
    /// tags' contributions. A tag listed twice counts once, with its larger score; tags with
    /// a score of zero or less carry no evidence and are left out.
    /// </summary>
    public IReadOnlyList<TypeScore> Score(IReadOnlyList<(string Tag, double Score)> imageTags)
    {
        var image = ImageVector(imageTags);
        var contributions = new Dictionary<string, List<TagContribution>>(StringComparer.Ordinal);
        foreach (var (tag, score) in image)
        {
            if (!_postings.TryGetValue(tag, out var postings)) continue;
            foreach (var (type, weight) in postings)
            {
                if (!contributions.TryGetValue(type, out var list)) contributions[type] = list = [];
                list.Add(new TagContribution(tag, score, weight, weight * score));
            }
        }
        return contributions
            .Select(kv => new TypeScore(kv.Key, kv.Value.Sum(c => c.Contribution),
                kv.Value.OrderByDescending(c => c.Contribution).ThenBy(c => c.Tag, StringComparer.Ordinal).ToList()))
            .Where(t => t.Score > 0)
            .OrderByDescending(t => t.Score).ThenBy(t => t.Type, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The image's tags in canonical spelling and ordinal order, scores divided by the largest and the vector scaled to unit length.</summary>
    private static List<(string Tag, double Score)> ImageVector(IReadOnlyList<(string Tag, double Score)> imageTags)
    {
        var merged = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (raw, score) in imageTags)
        {
            if (!double.IsFinite(score)) throw new ArgumentException($"image tag '{raw}' has score {score}; scores must be finite numbers");
            if (score <= 0 || TypePath.Tag(raw) is not { } tag) continue;
            merged[tag] = Math.Max(score, merged.GetValueOrDefault(tag));
        }
        if (merged.Count == 0) return [];
        var max = merged.Values.Max();
        var norm = Math.Sqrt(merged.Values.Sum(s => s / max * (s / max)));
        return merged.Select(kv => (kv.Key, kv.Value / max / norm)).ToList();
    }

    /// <summary>
    /// A sample's image tags as scoring input. A tag without a score counts as sure as the
    /// sample's most confident tag (1 when none has a score): taggers that list tags without
    /// confidences mean every listed tag.
    /// </summary>
    public static IReadOnlyList<(string Tag, double Score)> TagsOf(Sample sample)
    {
        var scored = sample.ImageTags.Where(t => t.Score is not null).Select(t => t.Score!.Value).ToList();
        var unscored = scored.Count == 0 ? 1.0 : scored.Max();
        return sample.ImageTags.Select(t => (t.Tag, t.Score ?? unscored)).ToList();
    }

    /// <summary>The model as deterministic JSON (see <see cref="CorrespondenceJson"/>).</summary>
    public string ToJson() => CorrespondenceJson.Write(this);

    /// <summary>Reads a model written by <see cref="ToJson"/>; <paramref name="source"/> names it in errors.</summary>
    public static CorrespondenceModel FromJson(string json, string source) => CorrespondenceJson.Read(json, source);

    public void Save(string path) => Formats.Writers.AtomicFile.WriteAllText(path, ToJson());

    public static CorrespondenceModel Load(string path) => FromJson(File.ReadAllText(path), path);
}
