using System.Numerics;

namespace MMForge.Dedup;

/// <summary>
/// The search through one chunk's index: every pair of distinct hashes within k bits whose
/// first chunk within radius (<see cref="ChunkLayout.FirstChunkWithin"/>) is this one, each
/// found once, from the entry that comes first in the index.
/// </summary>
internal sealed class ChunkPass
{
    private readonly ChunkIndex index;
    private readonly ChunkLayout layout;
    private readonly int chunk;
    private readonly int maxDistance;

    /// <summary>Probing value ^ mask reaches every other chunk value within the radius.</summary>
    private readonly int[] masks;

    /// <summary>The highest bit of each mask: the probe is made only from the smaller of the two values, so each bucket pair is scanned once.</summary>
    private readonly int[] maskTops;

    public ChunkPass(ChunkIndex index, ChunkLayout layout, int chunk, int maxDistance)
    {
        this.index = index;
        this.layout = layout;
        this.chunk = chunk;
        this.maxDistance = maxDistance;
        masks = HammingBall.Masks(layout.Bits, layout.Radii[chunk]);
        maskTops = [.. masks.Select(m => 1 << BitOperations.Log2((uint)m))];
    }

    /// <summary>The edges found from the entries whose chunk value is in [<paramref name="firstValue"/>, <paramref name="endValue"/>).</summary>
    public List<PhashEdge> Search(int firstValue, int endValue)
    {
        var offsets = index.Offsets;
        var edges = new List<PhashEdge>();
        var neighbors = new List<int>();
        var forest = new RangeForest();
        for (var value = firstValue; value < endValue; value++)
            for (var position = offsets[value]; position < offsets[value + 1]; position++)
            {
                neighbors.Clear();
                CollectLaterNeighbors(position, value, neighbors);
                if (neighbors.Count > 0) Report(position, neighbors, forest, edges);
            }
        return edges;
    }

    /// <summary>The entries after <paramref name="position"/> (later in its bucket, or in a larger bucket value) that pair with it in this pass.</summary>
    private void CollectLaterNeighbors(int position, int value, List<int> neighbors)
    {
        var offsets = index.Offsets;
        var hash = index.Hashes[position];
        Scan(hash, position + 1, offsets[value + 1], neighbors);
        for (var i = 0; i < masks.Length; i++)
        {
            if ((value & maskTops[i]) != 0) continue; // value ^ mask is smaller: that bucket's entries find this pair
            var probe = value ^ masks[i];
            Scan(hash, offsets[probe], offsets[probe + 1], neighbors);
        }
    }

    private void Scan(ulong hash, int from, int to, List<int> neighbors)
    {
        var hashes = index.Hashes;
        for (var j = from; j < to; j++)
            if (IsPairOfThisPass(hash ^ hashes[j])) neighbors.Add(j);
    }

    private bool IsPairOfThisPass(ulong difference) =>
        BitOperations.PopCount(difference) <= maxDistance && layout.FirstChunkWithin(difference) == chunk;

    private void Report(int position, List<int> neighbors, RangeForest forest, List<PhashEdge> edges)
    {
        var dense = neighbors.Count >= RangeForest.DenseNeighbors;
        foreach (var neighbor in neighbors)
        {
            if (dense && forest.Connected(position, neighbor)) continue;
            forest.Join(position, neighbor);
            edges.Add(EdgeBetween(position, neighbor));
        }
    }

    private PhashEdge EdgeBetween(int x, int y)
    {
        var (a, b) = (index.Ordinals[x], index.Ordinals[y]);
        var distance = BitOperations.PopCount(index.Hashes[x] ^ index.Hashes[y]);
        return a < b ? new PhashEdge(a, b, distance) : new PhashEdge(b, a, distance);
    }
}
