namespace MMForge.Dedup.Text;

/// <summary>
/// Turns the groups of equal band keys in a <see cref="BandTable"/> into verified edges. A group
/// of up to <see cref="AllPairsGroupLimit"/> samples has every pair verified; a larger one (a
/// template or a mass copy) links each member to its lowest ordinal only, so its cost stays
/// linear. A pair whose rows already agreed in an earlier band, in a group that had all its
/// pairs verified, was decided there and is skipped, so most pairs are verified once.
/// One instance serves every band in order; partitions of one band may run on many threads.
/// </summary>
internal sealed class BandCandidates
{
    public const int AllPairsGroupLimit = 32;

    private readonly MappedSignatures signatures;
    private readonly int rows;
    private readonly int minEqualValues;
    /// <summary>Per band, the keys of groups too large for all pairs: their pairs were not all verified.</summary>
    private readonly HashSet<ulong>[] largeGroupKeys;

    public BandCandidates(MappedSignatures signatures, MinHashOptions options)
    {
        this.signatures = signatures;
        rows = options.RowsPerBand;
        // compared as a count of equal values so the threshold does not hinge on floating-point rounding
        minEqualValues = (int)Math.Ceiling(options.JaccardThreshold * options.Permutations - 1e-9);
        largeGroupKeys = Enumerable.Range(0, options.Bands).Select(_ => new HashSet<ulong>()).ToArray();
    }

    /// <summary>The verified edges of one partition of <paramref name="table"/>, which holds band <paramref name="band"/>.</summary>
    public List<TextEdge> Verify(BandTable table, int band, int partition)
    {
        var edges = new List<TextEdge>();
        var end = table.PartitionStarts[partition + 1];
        for (var start = table.PartitionStarts[partition]; start < end;)
        {
            var stop = start + 1;
            while (stop < end && table.Keys[stop] == table.Keys[start]) stop++;
            var members = table.Ordinals.AsSpan(start, stop - start);
            if (members.Length <= AllPairsGroupLimit)
            {
                for (var i = 0; i < members.Length; i++)
                    for (var j = i + 1; j < members.Length; j++)
                        Consider(members[i], members[j], band, edges);
            }
            else
            {
                lock (largeGroupKeys[band]) largeGroupKeys[band].Add(table.Keys[start]);
                var center = LowestOrdinal(members);
                foreach (var member in members)
                    if (member != center) Consider(center, member, band, edges);
            }
            start = stop;
        }
        return edges;
    }

    private void Consider(int x, int y, int band, List<TextEdge> edges)
    {
        var (a, b) = x < y ? (x, y) : (y, x);
        var signatureA = signatures[a];
        var signatureB = signatures[b];
        if (DecidedInEarlierBand(signatureA, signatureB, band)) return;
        var equal = MinHasher.EqualValues(signatureA, signatureB);
        if (equal >= minEqualValues) edges.Add(new TextEdge(a, b, (double)equal / signatureA.Length));
    }

    private bool DecidedInEarlierBand(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, int band)
    {
        for (var earlier = 0; earlier < band; earlier++)
        {
            var rowsA = a.Slice(earlier * rows, rows);
            if (rowsA.SequenceEqual(b.Slice(earlier * rows, rows)) && !largeGroupKeys[earlier].Contains(BandTable.KeyOf(rowsA)))
                return true;
        }
        return false;
    }

    private static int LowestOrdinal(ReadOnlySpan<int> members)
    {
        var lowest = int.MaxValue;
        foreach (var m in members) lowest = Math.Min(lowest, m);
        return lowest;
    }
}
