namespace MMForge.Dedup;

/// <summary>
/// The edges that one range of a chunk pass reports. It keeps a dense cluster of near hashes
/// from producing an edge for every pair: once an entry has found more than
/// <see cref="DenseNeighbors"/> neighbours in the pass, it reports a further pair only when the
/// pair joins two parts that the range's edges do not connect yet. A cluster of n mutually near
/// hashes then yields O(n) edges per pass instead of n²/2, and each pair left out is connected
/// by edges already reported, so connectivity stays exact. Entries with fewer neighbours, which
/// is all of ordinary data, report every pair.
/// </summary>
/// <remarks>
/// The state belongs to one range: ranges are searched in parallel, and a range's edges depend
/// only on its own order, so the result is the same for any thread count. Entries of a dense
/// cluster are still compared with each other, so search time still grows with the square of
/// the largest bucket; only the output stays small.
/// </remarks>
internal sealed class RangeFindings(int firstPosition, int endPosition)
{
    /// <summary>
    /// Above what near duplicates of one image usually reach (a random 64-bit hash among 10M has
    /// about 0.003 others within 8 bits), and low because each entry of a dense cluster reports
    /// up to this many edges in each pass before the rule applies.
    /// </summary>
    public const int DenseNeighbors = 8;

    private readonly int[] neighborsFound = new int[endPosition - firstPosition];

    // which entries the reported edges connect, keyed by position because a range touches few of the pass's entries
    private readonly Dictionary<int, int> elementOfPosition = [];
    private readonly UnionFind sets = new();

    public List<PhashEdge> Edges { get; } = [];

    /// <summary>A pair found by the range's entry at <paramref name="position"/> with the entry at <paramref name="other"/> (anywhere later in the pass).</summary>
    public void Add(int position, int other, PhashEdge edge)
    {
        if (++neighborsFound[position - firstPosition] > DenseNeighbors && Connected(position, other)) return;
        sets.Union(ElementOf(position), ElementOf(other));
        Edges.Add(edge);
    }

    private bool Connected(int x, int y) =>
        elementOfPosition.TryGetValue(x, out var ex) && elementOfPosition.TryGetValue(y, out var ey) && sets.Find(ex) == sets.Find(ey);

    private int ElementOf(int position)
    {
        if (!elementOfPosition.TryGetValue(position, out var element))
            elementOfPosition.Add(position, element = sets.Add());
        return element;
    }
}
