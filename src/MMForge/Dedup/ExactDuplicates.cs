namespace MMForge.Dedup;

/// <summary>
/// The Infinity-MM rule: samples with equal exact keys (same pHashes, same conversations, and
/// the same source when per source) are duplicates. Equal keys are found by sorting ordinals by
/// key; each member of a group is linked to the group's first.
/// </summary>
public static class ExactDuplicates
{
    public static IEnumerable<DuplicateEdge> Edges(IReadOnlyList<SampleKey> keys)
    {
        var order = new int[keys.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        // Sorting by (key, ordinal) puts each group's first-seen member first.
        Array.Sort(order, (a, b) => keys[a].Exact != keys[b].Exact ? keys[a].Exact.CompareTo(keys[b].Exact) : a.CompareTo(b));
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[order[end]].Exact == keys[order[start]].Exact) end++;
            for (var i = start + 1; i < end; i++) yield return new DuplicateEdge(order[start], order[i], DuplicateKind.Exact, -1, double.NaN);
            start = end;
        }
    }
}
