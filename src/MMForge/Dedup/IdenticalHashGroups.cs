namespace MMForge.Dedup;

/// <summary>
/// Hashes grouped by value. Each group is represented by its smallest ordinal; the other
/// members are linked to it by distance-0 edges, so the near-duplicate search runs over
/// distinct values only (a corpus holds thousands of copies of blank or logo images, and
/// comparing copies with each other would be quadratic in the size of the group).
/// </summary>
internal sealed class IdenticalHashGroups
{
    private readonly ulong[] values;
    private readonly int[] representatives;

    private IdenticalHashGroups(ulong[] values, int[] representatives, int count, PhashEdge[] duplicateEdges)
    {
        this.values = values;
        this.representatives = representatives;
        Count = count;
        DuplicateEdges = duplicateEdges;
    }

    /// <summary>The number of distinct values.</summary>
    public int Count { get; }

    /// <summary>The distinct values, ascending.</summary>
    public ReadOnlySpan<ulong> Values => values.AsSpan(0, Count);

    /// <summary>For each distinct value, the smallest ordinal that has it.</summary>
    public ReadOnlySpan<int> Representatives => representatives.AsSpan(0, Count);

    /// <summary>(representative, member, 0) for every member that is not its group's representative.</summary>
    public PhashEdge[] DuplicateEdges { get; }

    /// <summary>Groups <paramref name="values"/> (one hash per ordinal), which is handed over: it is sorted and compacted in place into the distinct values.</summary>
    public static IdenticalHashGroups Build(ulong[] values)
    {
        var ordinals = new int[values.Length];
        for (var i = 0; i < ordinals.Length; i++) ordinals[i] = i;
        Array.Sort(values, ordinals);

        var distinct = 0;
        for (var i = 0; i < values.Length; i++)
            if (i == 0 || values[i] != values[i - 1]) distinct++;

        // compacted in place: group g is written at g, never after where its members start
        var duplicates = new PhashEdge[values.Length - distinct];
        var written = 0;
        var group = 0;
        for (var start = 0; start < values.Length; group++)
        {
            // the sort is not stable, so the smallest ordinal can be anywhere in the group
            var representative = ordinals[start];
            var end = start + 1;
            for (; end < values.Length && values[end] == values[start]; end++)
                representative = Math.Min(representative, ordinals[end]);
            for (var i = start; i < end; i++)
                if (ordinals[i] != representative) duplicates[written++] = new PhashEdge(representative, ordinals[i], 0);
            values[group] = values[start];
            ordinals[group] = representative;
            start = end;
        }
        return new IdenticalHashGroups(values, ordinals, distinct, duplicates);
    }
}
