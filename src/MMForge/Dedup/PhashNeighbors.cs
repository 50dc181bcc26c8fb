namespace MMForge.Dedup;

/// <summary>
/// Near-duplicate search over 64-bit pHashes without comparing every pair: multi-index hashing.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> Equal hashes are grouped first (one sort): each member is linked to its
/// group's smallest ordinal by a distance-0 edge, and only distinct values are searched. The
/// 64 bits are cut into chunks (<see cref="ChunkLayout"/>, chosen from k and the number of
/// distinct values; for k = 4..8 and 10M hashes, 3 chunks of 21 bits). By the pigeonhole
/// principle two hashes within k bits are within a small radius in at least one chunk. For
/// each chunk in turn, the distinct values are counting-sorted by that chunk's value into
/// contiguous buckets with an offset table, and each value probes the buckets of every chunk
/// value within the radius, comparing full hashes. A pair is reported only by the first chunk
/// where it is within radius, and only from the entry that comes first in the index, so
/// each pair is reported once. Work grows with n times the entries of the probed buckets, not
/// with n².</para>
/// <para><b>Guarantee.</b> Every two ordinals whose hashes differ in at most k bits are
/// connected, directly or through other edges. Every edge joins two ordinals whose hashes
/// differ in exactly <see cref="PhashEdge.Distance"/> &lt;= k bits. Edges between different
/// values join their groups' smallest ordinals. In ordinary data every pair of distinct values
/// within k gets its own edge. Once a value has found more than
/// <see cref="RangeFindings.DenseNeighbors"/> neighbours in one chunk pass (a dense cluster), it
/// leaves out pairs that the edges already reported in its range connect
/// (<see cref="RangeFindings"/>): the output stays near-linear and the connectivity exact. The
/// edges are sorted by A, then B, and are the same for any thread count.</para>
/// <para><b>Memory.</b> About 24 bytes per input hash in arrays (the sorted values, a copy of the
/// input unless it is handed over to <see cref="FindInPlace"/>; the ordinals; one chunk's index;
/// 27 bytes of peak RSS measured at 10M), plus the offset table (up to 64 MB) and 12 bytes per
/// edge (20 while the edges are sorted).</para>
/// </remarks>
public static class PhashNeighbors
{
    /// <summary>
    /// The largest k accepted. Multi-index hashing stops paying well before this (k = 8 on 10M
    /// hashes already costs about nine times k = 4); pHash near-duplicates lie within about 12.
    /// </summary>
    public const int MaxSupportedDistance = 16;

    /// <summary>A chunk pass is split into ranges of about this many entries, searched in parallel.</summary>
    private const int EntriesPerRange = 16_384;

    /// <summary>Finds edges that connect every pair of <paramref name="hashes"/> within <paramref name="maxDistance"/> bits.</summary>
    /// <param name="hashes">One pHash per sample; the index is the sample ordinal.</param>
    /// <param name="maxDistance">k: the largest Hamming distance that counts as a near duplicate, 0..<see cref="MaxSupportedDistance"/>.</param>
    /// <param name="threads">Threads for the search; the result does not depend on it.</param>
    public static PhashEdge[] Find(ReadOnlySpan<ulong> hashes, int maxDistance, int threads) =>
        Search(hashes.ToArray(), maxDistance, threads, layout: null);

    /// <param name="layout">A fixed layout (tests cover the radius configurations with it); null chooses one.</param>
    internal static PhashEdge[] Find(ReadOnlySpan<ulong> hashes, int maxDistance, int threads, ChunkLayout? layout) =>
        Search(hashes.ToArray(), maxDistance, threads, layout);

    /// <summary>As <see cref="Find(ReadOnlySpan{ulong}, int, int)"/> on an array handed over: it is sorted in place, so the search holds no copy of it.</summary>
    internal static PhashEdge[] FindInPlace(ulong[] hashes, int maxDistance, int threads) =>
        Search(hashes, maxDistance, threads, layout: null);

    private static PhashEdge[] Search(ulong[] hashes, int maxDistance, int threads, ChunkLayout? layout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaxSupportedDistance);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var groups = IdenticalHashGroups.Build(hashes);
        // distinct values are at least 1 bit apart, so k = 0 has nothing more to find
        var near = maxDistance == 0 || groups.Count < 2
            ? []
            : SearchDistinct(groups, layout ?? ChunkLayout.Choose(groups.Count, maxDistance), maxDistance, threads);
        return Sorted(groups.DuplicateEdges, near);
    }

    private static List<List<PhashEdge>> SearchDistinct(IdenticalHashGroups groups, ChunkLayout layout, int maxDistance, int threads)
    {
        var found = new List<List<PhashEdge>>();
        var index = new ChunkIndex(groups.Count, layout.Bits);
        var values = 1 << layout.Bits;
        // the ranges depend on the data only, never on the thread count, so a range's edges are the same for any thread count
        var rangeCount = Math.Clamp(groups.Count / EntriesPerRange, 1, values);
        var valuesPerRange = (values + rangeCount - 1) / rangeCount;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        for (var chunk = 0; chunk < layout.Chunks; chunk++)
        {
            if (layout.Radii[chunk] < 0) continue;
            index.Build(groups.Values, groups.Representatives, layout, chunk);
            var pass = new ChunkPass(index, layout, chunk, maxDistance);
            var byRange = new List<PhashEdge>[rangeCount];
            Parallel.For(0, rangeCount, parallel, range =>
                byRange[range] = pass.Search(range * valuesPerRange, Math.Min(values, (range + 1) * valuesPerRange)));
            found.AddRange(byRange.Where(edges => edges.Count > 0));
        }
        return found;
    }

    private static PhashEdge[] Sorted(PhashEdge[] duplicates, List<List<PhashEdge>> near)
    {
        var edges = new PhashEdge[duplicates.Length + near.Sum(list => list.Count)];
        duplicates.CopyTo(edges, 0);
        var at = duplicates.Length;
        foreach (var list in near)
        {
            list.CopyTo(edges, at);
            at += list.Count;
        }
        // every pair appears once, so (A, B) packed into one ulong is a unique key and sorting on
        // primitive keys is several times faster than comparing structs
        var keys = new ulong[edges.Length];
        for (var i = 0; i < edges.Length; i++) keys[i] = (ulong)edges[i].A << 32 | (uint)edges[i].B;
        Array.Sort(keys, edges);
        return edges;
    }
}
