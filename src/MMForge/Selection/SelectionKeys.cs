namespace MMForge.Selection;

/// <summary>
/// What the decisions need of one sample, in 40 bytes: where it was read (input and ordinal in
/// that input's record stream), its source and stratum as indexes into the name tables, its
/// image tags as a slice of <see cref="SelectionKeys.TagIds"/>, its yes/no answer counts and
/// its seeded draw (its place in a shuffle keyed by seed and sample id).
/// </summary>
public struct SelectionKey
{
    public int Input;
    public int Ordinal;
    public int Source;
    public int Stratum;
    public int TagStart;
    public ushort TagCount;
    public ushort Yes;
    public ushort No;
    public ulong Draw;
}

/// <summary>
/// Every decoded sample's key in input order, with the name tables the keys index and each
/// sample's tokens under each mix's limit. Filled record by record in input order (<see cref="Add"/>),
/// by one key pass or by the key shards read in shard order, which number the names alike.
/// </summary>
public sealed class SelectionKeys(int inputs, int mixCount)
{
    public List<SelectionKey> Keys { get; } = [];
    public List<int> TagIds { get; } = [];

    /// <summary>Visual tokens of sample k under mix m's limit at <c>k * MixCount + m</c>.</summary>
    public List<long> Tokens { get; } = [];
    public int MixCount { get; } = mixCount;

    public NameTable Sources { get; } = new();
    public NameTable Strata { get; } = new();
    public NameTable Tags { get; } = new();

    /// <summary>Records each input held (decoded or not), so the writing pass can size its masks.</summary>
    public List<int> RecordsPerInput { get; } = [.. new int[inputs]];

    /// <summary>Records that did not decode, by (input, ordinal): the writing pass sends them to the first mix's rejects.</summary>
    public List<(int Input, int Ordinal)> Undecoded { get; } = [];

    /// <summary>Images without a width and height (not hashed): counted at their limit's allowance.</summary>
    public long ImagesWithoutSize { get; set; }

    public ReadOnlySpan<int> TagsOf(in SelectionKey key) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(TagIds).Slice(key.TagStart, key.TagCount);

    public long TokensOf(int key, int mix) => Tokens[key * MixCount + mix];

    /// <summary>Adds the next record in input order: its key, or, when it did not decode, its place among the undecoded.</summary>
    internal void Add(KeyedRecord record)
    {
        if (record.Facts is not { } facts)
        {
            Undecoded.Add((record.Input, record.Ordinal));
            return;
        }
        var (source, stratum, tagStart) = (Sources.Id(facts.Source), Strata.Id(facts.Stratum), TagIds.Count);
        foreach (var tag in facts.Tags) TagIds.Add(Tags.Id(tag));
        Keys.Add(KeyOf(record.Input, record.Ordinal, source, stratum, tagStart, facts.Tags.Count, facts.Yes, facts.No, facts.Draw));
        Tokens.AddRange(facts.Tokens);
        ImagesWithoutSize += facts.ImagesWithoutSize;
    }

    /// <summary>A key of numbered names; answer counts beyond a ushort count as its largest.</summary>
    internal static SelectionKey KeyOf(int input, int ordinal, int source, int stratum, int tagStart, int tagCount, int yes, int no, ulong draw) => new()
    {
        Input = input, Ordinal = ordinal, Source = source, Stratum = stratum,
        TagStart = tagStart, TagCount = (ushort)tagCount,
        Yes = (ushort)Math.Min(yes, ushort.MaxValue), No = (ushort)Math.Min(no, ushort.MaxValue),
        Draw = draw,
    };

    /// <summary>Counts the records of a run that follows the input's earlier runs; refused when it does not (keys read from another input, or shards out of order).</summary>
    internal void Count(InputRun run)
    {
        if (run.Input >= RecordsPerInput.Count || run.First != RecordsPerInput[run.Input])
            throw new ArgumentException($"keys of input {run.Input} start at record {run.First}, where {(run.Input < RecordsPerInput.Count ? RecordsPerInput[run.Input] : 0)} were expected: the key shards were made from other inputs");
        RecordsPerInput[run.Input] += run.Count;
    }
}

/// <summary>Names numbered in the order first seen, so keys hold ints and the numbering is the same on every run.</summary>
public sealed class NameTable
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public List<string> Names { get; } = [];

    public int Id(string name)
    {
        if (!_index.TryGetValue(name, out var id))
        {
            _index[name] = id = Names.Count;
            Names.Add(name);
        }
        return id;
    }

    public int? Find(string name) => _index.TryGetValue(name, out var id) ? id : null;
}
