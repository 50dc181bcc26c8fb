namespace MMForge.Dedup;

/// <summary>
/// Disjoint sets over the integers <c>0..Count-1</c> (sample ordinals), for clustering
/// duplicates of any kind. Elements are given up front or added one at a time. Union by rank
/// with path halving keeps every operation close to O(1). Deterministic: the same sequence of unions always gives the same roots, and when two
/// sets of equal rank merge, the smaller root index stays the root.
/// </summary>
public sealed class UnionFind
{
    private int[] parent;

    // a byte suffices: a rank only grows when two sets of equal rank merge, so it stays below 32
    // for int-sized sets, and it costs 1 byte per element instead of 4 for sizes (many millions of elements)
    private byte[] rank;

    /// <param name="count">Elements 0..count-1, each alone in its set.</param>
    public UnionFind(int count = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        parent = new int[count];
        for (var i = 0; i < count; i++) parent[i] = i;
        rank = new byte[count];
        Count = count;
        SetCount = count;
    }

    /// <summary>The number of elements.</summary>
    public int Count { get; private set; }

    /// <summary>The number of disjoint sets (each element starts alone; every merging union removes one).</summary>
    public int SetCount { get; private set; }

    /// <summary>Adds element <see cref="Count"/>, alone in a new set, and returns it.</summary>
    public int Add()
    {
        if (Count == parent.Length)
        {
            var capacity = Math.Max(4, 2 * Count);
            Array.Resize(ref parent, capacity);
            Array.Resize(ref rank, capacity);
        }
        parent[Count] = Count;
        SetCount++;
        return Count++;
    }

    /// <summary>The root that represents <paramref name="element"/>'s set.</summary>
    public int Find(int element)
    {
        // the arrays may be longer than Count after Add, so their bounds check is not enough
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)element, (uint)Count, nameof(element));
        while (parent[element] != element)
        {
            // path halving: point every other node on the path at its grandparent
            parent[element] = parent[parent[element]];
            element = parent[element];
        }
        return element;
    }

    /// <summary>Merges the sets of <paramref name="a"/> and <paramref name="b"/>; false when they were already one set.</summary>
    public bool Union(int a, int b)
    {
        var rootA = Find(a);
        var rootB = Find(b);
        if (rootA == rootB) return false;
        if (rank[rootA] < rank[rootB] || (rank[rootA] == rank[rootB] && rootB < rootA))
            (rootA, rootB) = (rootB, rootA);
        parent[rootB] = rootA;
        if (rank[rootA] == rank[rootB]) rank[rootA]++;
        SetCount--;
        return true;
    }
}
