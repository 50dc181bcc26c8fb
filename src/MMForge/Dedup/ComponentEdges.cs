namespace MMForge.Dedup;

/// <summary>
/// Makes the pHash edges of every connected group of near hashes depend on that group's hashes
/// alone, not on the other hashes searched with it, so that a group searched on its own (a
/// sharded dedup decides group partition by group partition) gets the edges one process finds.
/// </summary>
/// <remarks>
/// <see cref="PhashNeighbors"/> reports every near pair, except inside a dense cluster, where a
/// value that has found more than <see cref="RangeFindings.DenseNeighbors"/> neighbours in a pass
/// leaves out pairs already connected in its range; which those are depends on the other values
/// of the range and on the chunk layout, chosen from how many values are searched. A value it
/// leaves pairs out for has reported at least that many edges first. So a group in which no value
/// has that many near edges was searched in full, and its edges are all its pairs within k,
/// whatever else was searched; a group in which one has is searched again on its own hashes.
/// Either way the decision and the edges are a function of the group's hashes.
/// </remarks>
internal static class ComponentEdges
{
    /// <param name="edges">What <see cref="PhashNeighbors"/> found on <paramref name="hashOf"/>(0..<paramref name="count"/>-1), sorted by (A, B).</param>
    /// <returns>The same edges, but those of dense groups found again on the group alone; sorted by (A, B).</returns>
    public static PhashEdge[] PerGroup(PhashEdge[] edges, int count, Func<int, ulong> hashOf, int maxDistance, int threads)
    {
        var denseValues = DenseValues(edges);
        if (denseValues.Count == 0) return edges;
        var sets = new UnionFind(count);
        foreach (var edge in edges) sets.Union(edge.A, edge.B);
        var denseRoots = denseValues.Select(sets.Find).ToHashSet();
        var members = denseRoots.ToDictionary(root => root, _ => new List<int>());
        for (var i = 0; i < count; i++)
            if (members.TryGetValue(sets.Find(i), out var list)) list.Add(i);

        var kept = edges.Where(edge => !denseRoots.Contains(sets.Find(edge.A))).ToList();
        foreach (var group in members.Values)
        {
            var hashes = group.Select(hashOf).ToArray();
            kept.AddRange(PhashNeighbors.FindInPlace(hashes, maxDistance, threads).Select(e => new PhashEdge(group[e.A], group[e.B], e.Distance)));
        }
        kept.Sort((x, y) => x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        return [.. kept];
    }

    /// <summary>The values (their smallest ordinals) with at least <see cref="RangeFindings.DenseNeighbors"/> edges to other values.</summary>
    private static List<int> DenseValues(PhashEdge[] edges)
    {
        // distance-0 edges join samples of one value; the others join values' smallest ordinals
        var ends = new List<int>();
        foreach (var edge in edges)
            if (edge.Distance > 0)
            {
                ends.Add(edge.A);
                ends.Add(edge.B);
            }
        ends.Sort();
        var dense = new List<int>();
        for (var start = 0; start < ends.Count;)
        {
            var end = start + 1;
            while (end < ends.Count && ends[end] == ends[start]) end++;
            if (end - start >= RangeFindings.DenseNeighbors) dense.Add(ends[start]);
            start = end;
        }
        return dense;
    }
}
