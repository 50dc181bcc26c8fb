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

/// <summary>Every decoded sample's key in input order, with the name tables the keys index and each sample's tokens under each mix's limit.</summary>
public sealed class SelectionKeys
{
    public List<SelectionKey> Keys { get; } = [];
    public List<int> TagIds { get; } = [];

    /// <summary>Visual tokens of sample k under mix m's limit at <c>k * MixCount + m</c>.</summary>
    public List<long> Tokens { get; } = [];
    public int MixCount { get; init; }

    public NameTable Sources { get; } = new();
    public NameTable Strata { get; } = new();
    public NameTable Tags { get; } = new();

    /// <summary>Records each input held (decoded or not), so the writing pass can size its masks.</summary>
    public List<int> RecordsPerInput { get; } = [];

    /// <summary>Records that did not decode, by (input, ordinal): the writing pass sends them to the first mix's rejects.</summary>
    public List<(int Input, int Ordinal)> Undecoded { get; } = [];

    /// <summary>Images without a width and height (not hashed): counted at their limit's allowance.</summary>
    public long ImagesWithoutSize { get; set; }

    public ReadOnlySpan<int> TagsOf(in SelectionKey key) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(TagIds).Slice(key.TagStart, key.TagCount);

    public long TokensOf(int key, int mix) => Tokens[key * MixCount + mix];
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
