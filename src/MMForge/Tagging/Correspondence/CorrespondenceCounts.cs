using MMForge.Records;

namespace MMForge.Tagging.Correspondence;

/// <summary>
/// What fitting needs from the seed set, gathered one sample at a time: per instruction type,
/// how many seed samples it has and how many of them carry each image tag. Samples are not
/// kept, so the seed set can be any size; memory grows with types x distinct tags only.
/// Not thread-safe: give each thread its own and <see cref="Merge"/> them.
/// </summary>
public sealed class CorrespondenceCounts(TypeLevel unit)
{
    private readonly Dictionary<string, TypeCounts> _types = new(StringComparer.Ordinal);

    public TypeLevel Unit { get; } = unit;

    public long Samples { get; private set; }

    /// <summary>Samples that counted towards at least one type.</summary>
    public long Used { get; private set; }

    /// <summary>Samples skipped because their image has no tags (text-only or untagged).</summary>
    public long WithoutImageTags { get; private set; }

    /// <summary>Tagged samples skipped because no instruction tag names a type at <see cref="Unit"/>.</summary>
    public long WithoutType { get; private set; }

    /// <summary>Instruction tags that were too coarse for <see cref="Unit"/> or malformed ("a//b"), so were not counted.</summary>
    public long IgnoredInstructionTags { get; private set; }

    internal IReadOnlyDictionary<string, TypeCounts> Types => _types;

    /// <summary>
    /// Counts one seed sample: each distinct type among its instruction tags (cut to the unit
    /// level) gains one seed sample and one count for each distinct image tag of the sample.
    /// </summary>
    public void Add(Sample sample)
    {
        Samples++;
        var tags = sample.ImageTags.Select(t => TypePath.Tag(t.Tag)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instruction in sample.InstructionTags)
        {
            if (TypePath.Truncate(instruction.Path, (int)Unit) is { } type) types.Add(type);
            else IgnoredInstructionTags++;
        }
        if (tags.Count == 0) { WithoutImageTags++; return; }
        if (types.Count == 0) { WithoutType++; return; }
        Used++;
        foreach (var type in types)
        {
            var counts = TypeOf(type);
            counts.Seeds++;
            foreach (var tag in tags) counts.Tags[tag] = counts.Tags.GetValueOrDefault(tag) + 1;
        }
    }

    /// <summary>Adds another accumulator's counts (from a parallel pass over another part of the seed set, or a count shard).</summary>
    public void Merge(CorrespondenceCounts other)
    {
        if (other.Unit != Unit) throw new ArgumentException($"cannot merge counts at {other.Unit} into counts at {Unit}");
        Add(other.Summary);
        foreach (var (type, theirs) in other._types) Add(type, theirs.Seeds, theirs.Tags);
    }

    /// <summary>The totals as the model records them.</summary>
    public SeedSummary Summary => new(Samples, Used, WithoutImageTags, WithoutType, IgnoredInstructionTags);

    /// <summary>Adds totals gathered elsewhere (read back from a count shard, or another accumulator's).</summary>
    internal void Add(SeedSummary totals)
    {
        Samples += totals.Samples;
        Used += totals.Used;
        WithoutImageTags += totals.WithoutImageTags;
        WithoutType += totals.WithoutType;
        IgnoredInstructionTags += totals.IgnoredInstructionTags;
    }

    /// <summary>Adds one type's counts gathered elsewhere: its seed samples and how many of them carry each tag. Whole numbers, so the order of addition changes nothing.</summary>
    internal void Add(string type, long seeds, IEnumerable<KeyValuePair<string, long>> tags)
    {
        var mine = TypeOf(type);
        mine.Seeds += seeds;
        foreach (var (tag, n) in tags) mine.Tags[tag] = mine.Tags.GetValueOrDefault(tag) + n;
    }

    private TypeCounts TypeOf(string type)
    {
        if (!_types.TryGetValue(type, out var counts)) _types[type] = counts = new TypeCounts();
        return counts;
    }

    internal sealed class TypeCounts
    {
        public long Seeds;
        public readonly Dictionary<string, long> Tags = new(StringComparer.Ordinal);
    }
}
