namespace MMForge.Dedup;

/// <summary>
/// The Infinity-MM rule: samples with equal exact keys (same pHashes, same conversations, and
/// the same source when per source) are duplicates. Equal keys are found by sorting ordinals by
/// key; each member of a group is linked to the group's first.
/// </summary>
public static class ExactDuplicates
{
    /// <summary>The edges, in order of exact key and then ordinal; <paramref name="exactKeys"/> (by ordinal) is sorted in place.</summary>
    public static List<DuplicateEdge> Edges(Span<UInt128> exactKeys)
    {
        var order = new int[exactKeys.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        exactKeys.Sort(order.AsSpan());
        var edges = new List<DuplicateEdge>();
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && exactKeys[end] == exactKeys[start]) end++;
            if (end - start > 1)
            {
                // the sort is not stable: put the group in input order, so its first-seen member leads
                var group = order.AsSpan(start, end - start);
                group.Sort();
                for (var i = 1; i < group.Length; i++) edges.Add(new DuplicateEdge(group[0], group[i], DuplicateKind.Exact, -1, double.NaN));
            }
            start = end;
        }
        return edges;
    }
}
