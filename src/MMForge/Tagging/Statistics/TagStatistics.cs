using System.Text;
using System.Text.Json;
using MMForge.Records;
using MMForge.Tagging.Correspondence;

namespace MMForge.Tagging.Statistics;

/// <summary>
/// Tag statistics for the report, gathered one sample at a time: how many samples carry each
/// image tag, how many fall under each instruction type at L1, L2 and L3, and how many carry
/// each (image tag, type) pair. Every count is of samples, each counted once however many
/// times it repeats a tag. Not thread-safe: give each thread its own and <see cref="Merge"/>
/// them. Memory grows with distinct tags x types, never with samples.
/// </summary>
public sealed class TagStatistics
{
    public const int Levels = 3;

    private readonly Dictionary<string, long> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>[] _types = NewPerLevel<string>();
    private readonly Dictionary<(string Tag, string Type), long>[] _pairs = NewPerLevel<(string, string)>();

    public long Samples { get; private set; }
    public long WithImageTags { get; private set; }
    public long WithInstructionTags { get; private set; }

    /// <summary>Instruction tags whose path has no usable first segment (empty, or starting with "/").</summary>
    public long InvalidInstructionTags { get; private set; }

    /// <summary>Samples carrying the tag (in its lower-case, trimmed spelling).</summary>
    public long TagCount(string tag) => _tags.GetValueOrDefault(tag);

    /// <summary>Samples with an instruction tag under <paramref name="type"/>, a path of <paramref name="level"/> segments.</summary>
    public long TypeCount(int level, string type) => _types[level - 1].GetValueOrDefault(type);

    /// <summary>Samples carrying the image tag and an instruction tag under the type.</summary>
    public long PairCount(int level, string tag, string type) => _pairs[level - 1].GetValueOrDefault((tag, type));

    public void Add(Sample sample)
    {
        Samples++;
        var tags = sample.ImageTags.Select(t => TypePath.Tag(t.Tag)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count > 0) WithImageTags++;
        foreach (var tag in tags) _tags[tag] = _tags.GetValueOrDefault(tag) + 1;
        if (sample.InstructionTags.Count > 0) WithInstructionTags++;
        InvalidInstructionTags += sample.InstructionTags.Count(t => TypePath.Truncate(t.Path, 1) is null);
        for (var level = 1; level <= Levels; level++)
        {
            var types = sample.InstructionTags.Select(t => TypePath.Truncate(t.Path, level)).OfType<string>().Distinct(StringComparer.Ordinal);
            foreach (var type in types)
            {
                Increment(_types[level - 1], type, 1);
                foreach (var tag in tags) Increment(_pairs[level - 1], (tag, type), 1);
            }
        }
    }

    public void Merge(TagStatistics other)
    {
        Samples += other.Samples;
        WithImageTags += other.WithImageTags;
        WithInstructionTags += other.WithInstructionTags;
        InvalidInstructionTags += other.InvalidInstructionTags;
        foreach (var (tag, n) in other._tags) Increment(_tags, tag, n);
        for (var i = 0; i < Levels; i++)
        {
            foreach (var (type, n) in other._types[i]) Increment(_types[i], type, n);
            foreach (var (pair, n) in other._pairs[i]) Increment(_pairs[i], pair, n);
        }
    }

    /// <summary>
    /// The statistics as indented JSON; every list is ordered by count descending, then by name
    /// (ordinal), so equal data gives equal bytes. Fields (docs/correspondence.md):
    /// <c>samples</c>, <c>samples_with_image_tags</c>, <c>samples_with_instruction_tags</c>,
    /// <c>invalid_instruction_tags</c>, <c>distinct_image_tags</c>; <c>image_tags</c>: [{tag, count,
    /// share of samples with image tags}]; <c>instruction_types</c>: {l1, l2, l3: [{type, count,
    /// share of samples with instruction tags}]}; <c>matrix</c>: {level, tags, types,
    /// counts[tag row][type column]}.
    /// </summary>
    public string ToJson(TagStatisticsView? view = null)
    {
        view ??= new TagStatisticsView();
        view.Validate();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonText.WriterOptions with { Indented = true, SkipValidation = false }))
        {
            w.WriteStartObject();
            w.WriteNumber("samples", Samples);
            w.WriteNumber("samples_with_image_tags", WithImageTags);
            w.WriteNumber("samples_with_instruction_tags", WithInstructionTags);
            w.WriteNumber("invalid_instruction_tags", InvalidInstructionTags);
            w.WriteNumber("distinct_image_tags", _tags.Count);
            WriteCounts(w, "image_tags", "tag", Ranked(_tags).Take(view.TopTags), WithImageTags);
            w.WriteStartObject("instruction_types");
            for (var level = 1; level <= Levels; level++) WriteCounts(w, "l" + level, "type", Ranked(_types[level - 1]), WithInstructionTags);
            w.WriteEndObject();
            WriteMatrix(w, view);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private void WriteMatrix(Utf8JsonWriter w, TagStatisticsView view)
    {
        var tags = Ranked(_tags).Take(view.MatrixTags).Select(kv => kv.Key).ToList();
        var types = Ranked(_types[view.MatrixLevel - 1]).Take(view.MatrixTypes).Select(kv => kv.Key).ToList();
        var pairs = _pairs[view.MatrixLevel - 1];
        w.WriteStartObject("matrix");
        w.WriteString("level", "l" + view.MatrixLevel);
        WriteStrings(w, "tags", tags);
        WriteStrings(w, "types", types);
        w.WriteStartArray("counts");
        foreach (var tag in tags)
        {
            w.WriteStartArray();
            foreach (var type in types) w.WriteNumberValue(pairs.GetValueOrDefault((tag, type)));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, string keyName, IEnumerable<KeyValuePair<string, long>> counts, long total)
    {
        w.WriteStartArray(name);
        foreach (var (key, count) in counts)
        {
            w.WriteStartObject();
            w.WriteString(keyName, key);
            w.WriteNumber("count", count);
            w.WriteNumber("share", total == 0 ? 0 : (double)count / total);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static IEnumerable<KeyValuePair<string, long>> Ranked(Dictionary<string, long> counts) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal);

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key, long by) where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + by;

    private static Dictionary<TKey, long>[] NewPerLevel<TKey>() where TKey : notnull =>
        Enumerable.Range(0, Levels).Select(_ => new Dictionary<TKey, long>()).ToArray();
}
