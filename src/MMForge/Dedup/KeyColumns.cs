using System.Runtime.InteropServices;

namespace MMForge.Dedup;

/// <summary>
/// Every sample's key in input order (ordinal = place in the input), held the way the decide
/// step reads it rather than as whole <see cref="SampleKey"/>s. In memory, 13 bytes a sample: what
/// the searches read of every sample (its pHash, whether it has one and text, its source
/// number); and the exact keys, 16 bytes, only until <see cref="TakeExactKeys"/> hands them to the
/// exact search. On disk, read back through a memory map: each sample's <see cref="MemberKey"/>,
/// which only the samples in clusters need. The files samples were read from are kept as the first
/// ordinal of each file (records are read one file after another).
/// </summary>
internal sealed class KeyColumns : IDisposable
{
    [Flags]
    private enum Has : byte { Phash = 1, Text = 2 }

    // A dataset's manifest knows its size: one allocation per column instead of lists that
    // double as they grow, whose abandoned arrays would double the memory the columns save.
    private readonly List<ulong> _phashes;
    private readonly List<byte> _has;
    private readonly List<int> _sources;
    private List<UInt128>? _exact;
    private readonly RecordSpill<MemberKey> _members;
    private MappedRecords<MemberKey>? _mappedMembers;
    private readonly List<(int FirstOrdinal, string File)> _files = [];
    private readonly Dictionary<string, int> _sourceNumbers = new(StringComparer.Ordinal);

    public KeyColumns(string spillDirectory, long expected)
    {
        var capacity = (int)Math.Min(expected, Array.MaxLength);
        _phashes = new(capacity);
        _has = new(capacity);
        _sources = new(capacity);
        _exact = new(capacity);
        _members = new RecordSpill<MemberKey>(spillDirectory, "dedup-members", 1);
    }

    public int Count => _phashes.Count;

    public void Add(SampleKey key, string file, string source)
    {
        if (_mappedMembers is not null) throw new InvalidOperationException("keys are added before any is read back");
        if (_files.Count == 0 || _files[^1].File != file) _files.Add((Count, file));
        _phashes.Add(key.Phash);
        _has.Add((byte)((key.HasPhash ? Has.Phash : 0) | (key.HasText ? Has.Text : 0)));
        _sources.Add(SourceNumber(source));
        ExactKeys.Add(key.Exact);
        var member = key.Member;
        _members.Append(new ReadOnlySpan<MemberKey>(in member));
    }

    public ulong Phash(int ordinal) => _phashes[ordinal];

    public bool HasPhash(int ordinal) => ((Has)_has[ordinal]).HasFlag(Has.Phash);

    public bool HasText(int ordinal) => ((Has)_has[ordinal]).HasFlag(Has.Text);

    /// <summary>The number of the sample's source, in order of first appearance.</summary>
    public int Source(int ordinal) => _sources[ordinal];

    /// <summary>How many sources the samples came from.</summary>
    public int SourceCount => _sourceNumbers.Count;

    /// <summary>Every sample's exact key by ordinal, handed over once: the columns drop them, so the searches after the exact one do not hold them.</summary>
    public Span<UInt128> TakeExactKeys()
    {
        var exact = ExactKeys;
        _exact = null;
        return CollectionsMarshal.AsSpan(exact);
    }

    private List<UInt128> ExactKeys => _exact ?? throw new InvalidOperationException("the exact keys were already taken");

    /// <summary>The sample's <see cref="MemberKey"/>, read from the spill file (mapped on the first read).</summary>
    public MemberKey Member(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)ordinal, (uint)Count, nameof(ordinal));
        _mappedMembers ??= _members.Map();
        return _mappedMembers[ordinal][0];
    }

    /// <summary>The file the sample at <paramref name="ordinal"/> was read from.</summary>
    public string FileOf(int ordinal)
    {
        int low = 0, high = _files.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_files[middle].FirstOrdinal <= ordinal) low = middle;
            else high = middle - 1;
        }
        return _files[low].File;
    }

    public void Dispose()
    {
        _mappedMembers?.Dispose();
        _members.Dispose();
    }

    private int SourceNumber(string name)
    {
        if (!_sourceNumbers.TryGetValue(name, out var number)) _sourceNumbers[name] = number = _sourceNumbers.Count;
        return number;
    }
}
