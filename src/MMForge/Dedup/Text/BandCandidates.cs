namespace MMForge.Dedup.Text;

/// <summary>
/// Turns the groups of equal band keys in a <see cref="BandTable"/> into verified edges. A group
/// of up to <see cref="AllPairsGroupLimit"/> samples has every pair verified; a larger one (a
/// template or a mass copy) links each member to its lowest ordinal only, so its cost stays
/// linear. A pair whose rows already agreed in an earlier band, in a group that had all its
/// pairs verified, was emitted there and is not emitted again.
/// One instance serves every band in order; partitions of one band may run on many threads.
/// </summary>
internal sealed class BandCandidates
{
    public const int AllPairsGroupLimit = 32;

    private readonly MappedRecords<uint> signatures;
    private readonly int rows;
    private readonly int minEqualValues;
    /// <summary>Per band, the keys of groups too large for all pairs: their pairs were not all verified.</summary>
    private readonly HashSet<ulong>[] largeGroupKeys;

    private readonly Func<int, ulong>? group;

    public BandCandidates(MappedRecords<uint> signatures, MinHashOptions options, Func<int, ulong>? group)
    {
        this.group = group;
        this.signatures = signatures;
        rows = options.RowsPerBand;
        minEqualValues = options.MinEqualValues;
        largeGroupKeys = Enumerable.Range(0, options.Bands).Select(_ => new HashSet<ulong>()).ToArray();
    }

    /// <summary>The verified edges among entries [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="table"/>, which holds band <paramref name="band"/>.</summary>
    public List<TextEdge> Verify(BandTable table, int band, int start, int end)
    {
        var edges = new List<TextEdge>();
        Action<int, int> consider = (x, y) => Consider(x, y, band, edges);
        while (start < end)
        {
            var stop = start + 1;
            while (stop < end && table.Keys[stop] == table.Keys[start]) stop++;
            var members = table.Ordinals.AsSpan(start, stop - start);
            if (members.Length > AllPairsGroupLimit)
                lock (largeGroupKeys[band]) largeGroupKeys[band].Add(table.Keys[start]);
            ForEachComparedPair(members, consider);
            start = stop;
        }
        return edges;
    }

    /// <summary>
    /// The pairs of a band group that are compared: every pair of a group of up to
    /// <see cref="AllPairsGroupLimit"/>, else each member with the group's lowest ordinal, so a large
    /// group costs linear time. The sharded reduce steps compare a bucket's pairs by the same rule
    /// (<see cref="TextBands"/>), so their links connect what these edges connect.
    /// </summary>
    public static void ForEachComparedPair(ReadOnlySpan<int> members, Action<int, int> consider)
    {
        if (members.Length <= AllPairsGroupLimit)
        {
            for (var i = 0; i < members.Length; i++)
                for (var j = i + 1; j < members.Length; j++)
                    consider(members[i], members[j]);
            return;
        }
        var center = LowestOrdinal(members);
        foreach (var member in members)
            if (member != center) consider(center, member);
    }

    private void Consider(int x, int y, int band, List<TextEdge> edges)
    {
        var (a, b) = x < y ? (x, y) : (y, x);
        var signatureA = signatures[a];
        Span<ulong> equalBits = stackalloc ulong[MinHasher.AgreementWords(signatureA.Length)];
        var equal = MinHasher.Agreement(signatureA, signatures[b], equalBits);
        if (equal >= minEqualValues && !DecidedInEarlierBand(equalBits, signatureA, a, band))
            edges.Add(new TextEdge(a, b, (double)equal / signatureA.Length));
    }

    /// <summary>
    /// Whether the pair agreed on every row of an earlier band whose group had all its pairs
    /// verified: then this edge was already emitted there.
    /// </summary>
    private bool DecidedInEarlierBand(ReadOnlySpan<ulong> equalBits, ReadOnlySpan<uint> signatureA, int a, int band)
    {
        for (var earlier = 0; earlier < band; earlier++)
            if (AllSet(equalBits, earlier * rows, rows) && !largeGroupKeys[earlier].Contains(BandTable.KeyOf(signatureA.Slice(earlier * rows, rows), group?.Invoke(a) ?? 0)))
                return true;
        return false;
    }

    private static bool AllSet(ReadOnlySpan<ulong> bits, int start, int count)
    {
        for (var i = start; i < start + count; i++)
            if ((bits[i >> 6] & (1UL << (i & 63))) == 0) return false;
        return true;
    }

    private static int LowestOrdinal(ReadOnlySpan<int> members)
    {
        var lowest = int.MaxValue;
        foreach (var m in members) lowest = Math.Min(lowest, m);
        return lowest;
    }
}
