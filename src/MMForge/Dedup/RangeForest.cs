namespace MMForge.Dedup;

/// <summary>
/// Which index entries the edges reported so far by one range of a chunk pass connect. It keeps
/// a dense cluster of near hashes from producing an edge for every pair: a hash with at least
/// <see cref="DenseNeighbors"/> neighbours in the pass reports a pair only when it joins two
/// parts that the range's edges do not connect yet, so a cluster of n mutually near hashes
/// yields about n edges per pass instead of n²/2. Each pair left out is connected by edges
/// already reported, so connectivity stays exact. Hashes with fewer neighbours, which is all
/// of ordinary data, report every pair.
/// </summary>
/// <remarks>
/// The state belongs to one range: ranges are searched in parallel, and a range's edges depend
/// only on its own order, so the result is the same for any thread count. Entries of a dense
/// cluster are still compared with each other, so search time still grows with the square of
/// the largest bucket; only the output stays small.
/// </remarks>
internal sealed class RangeForest
{
    /// <summary>
    /// Far above what real near duplicates reach (a random 64-bit hash among 10M has about
    /// 0.003 others within 8 bits), far below where pairs explode.
    /// </summary>
    public const int DenseNeighbors = 32;

    private readonly Dictionary<int, int> elementOfPosition = [];
    private readonly UnionFind sets = new();

    public bool Connected(int x, int y) =>
        elementOfPosition.TryGetValue(x, out var ex) && elementOfPosition.TryGetValue(y, out var ey) && sets.Find(ex) == sets.Find(ey);

    /// <summary>Records a reported edge.</summary>
    public void Join(int x, int y) => sets.Union(ElementOf(x), ElementOf(y));

    private int ElementOf(int position)
    {
        if (!elementOfPosition.TryGetValue(position, out var element))
            elementOfPosition.Add(position, element = sets.Add());
        return element;
    }
}
