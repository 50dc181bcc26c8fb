namespace MMForge.Dedup;

/// <summary>
/// One removed sample: the sample it duplicates directly (the edge that joined it to its
/// cluster) and the cluster's representative that is kept.
/// </summary>
public sealed record Removal(int Ordinal, int DuplicateOf, int Kept, DuplicateEdge Edge);

/// <summary>
/// Turns duplicate edges into clusters (union-find) and decides, per cluster, which sample is
/// kept and why every other one goes. The representative is the best by
/// <see cref="MemberKey.Better"/> (lowest loss, then largest image, then first seen). Every
/// other member is explained by a path from the representative (breadth first, neighbours in
/// input order), so each removal names a sample it really duplicates, with that edge's kind
/// and distance, rather than a representative it may only reach through a chain.
/// </summary>
public static class DuplicateClusters
{
    /// <param name="count">How many samples there are (ordinals 0..count-1).</param>
    /// <param name="memberOf">A sample's <see cref="MemberKey"/>, asked only of samples in clusters.</param>
    /// <param name="edges">The duplicate edges.</param>
    public static List<Removal> Resolve(int count, Func<int, MemberKey> memberOf, IReadOnlyList<DuplicateEdge> edges)
    {
        var sets = new UnionFind(count);
        var adjacency = new Dictionary<int, List<DuplicateEdge>>();
        foreach (var edge in edges)
        {
            sets.Union(edge.A, edge.B);
            Neighbours(adjacency, edge.A).Add(edge);
            Neighbours(adjacency, edge.B).Add(edge);
        }

        var clusters = adjacency.Keys.GroupBy(sets.Find).Select(c => c.Order().ToList()).OrderBy(c => c[0]);
        var removals = new List<Removal>();
        foreach (var members in clusters)
        {
            var kept = members.Select(m => (Ordinal: m, Key: memberOf(m)))
                .Aggregate((best, m) => MemberKey.Better(m.Key, m.Ordinal, best.Key, best.Ordinal) ? m : best).Ordinal;
            Explain(kept, adjacency, removals);
        }
        removals.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        return removals;
    }

    private static List<DuplicateEdge> Neighbours(Dictionary<int, List<DuplicateEdge>> adjacency, int ordinal)
    {
        if (!adjacency.TryGetValue(ordinal, out var list)) adjacency[ordinal] = list = [];
        return list;
    }

    private static void Explain(int kept, Dictionary<int, List<DuplicateEdge>> adjacency, List<Removal> removals)
    {
        var seen = new HashSet<int> { kept };
        var queue = new Queue<int>([kept]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var edge in adjacency[current].OrderBy(e => Other(e, current)))
            {
                var next = Other(edge, current);
                if (!seen.Add(next)) continue;
                removals.Add(new Removal(next, current, kept, edge));
                queue.Enqueue(next);
            }
        }
    }

    private static int Other(DuplicateEdge edge, int ordinal) => edge.A == ordinal ? edge.B : edge.A;
}
