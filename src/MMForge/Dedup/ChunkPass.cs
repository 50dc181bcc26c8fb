using System.Numerics;

namespace MMForge.Dedup;

/// <summary>
/// The search through one chunk's index: every pair of distinct hashes within k bits whose
/// first chunk within radius (<see cref="ChunkLayout.FirstChunkWithin"/>) is this one, each
/// found once: within a bucket from the earlier entry, across two buckets from the smaller
/// chunk value.
/// </summary>
internal sealed class ChunkPass
{
    private readonly ChunkIndex index;
    private readonly ChunkLayout layout;
    private readonly int chunk;
    private readonly int maxDistance;

    /// <summary>Probing value ^ mask reaches every other chunk value within the radius.</summary>
    private readonly int[] masks;

    public ChunkPass(ChunkIndex index, ChunkLayout layout, int chunk, int maxDistance)
    {
        this.index = index;
        this.layout = layout;
        this.chunk = chunk;
        this.maxDistance = maxDistance;
        masks = HammingBall.Masks(layout.Bits, layout.Radii[chunk]);
    }

    /// <summary>The edges found from the buckets of chunk values [<paramref name="firstValue"/>, <paramref name="endValue"/>).</summary>
    /// <remarks>
    /// The loop runs mask by mask over the range's buckets rather than query by query over all
    /// masks: the range's own entries stay in cache, and each mask reads its probed buckets in
    /// ascending order, which the hardware prefetches. Query by query, every mask is its own
    /// stream through memory and the search waits on a cache miss for most probes.
    /// </remarks>
    public List<PhashEdge> Search(int firstValue, int endValue)
    {
        var offsets = index.Offsets;
        var found = new RangeFindings(offsets[firstValue], offsets[endValue]);
        for (var value = firstValue; value < endValue; value++)
            for (var position = offsets[value]; position < offsets[value + 1]; position++)
                ScanBucket(position, position + 1, offsets[value + 1], found);
        foreach (var mask in masks)
        {
            var highestBit = 1 << BitOperations.Log2((uint)mask);
            for (var value = firstValue; value < endValue; value++)
            {
                if ((value & highestBit) != 0)
                {
                    // value ^ mask is smaller, and the pair is found from there; so is every value up to the end of this run of set bits
                    value |= highestBit - 1;
                    continue;
                }
                var probe = value ^ mask;
                for (var position = offsets[value]; position < offsets[value + 1]; position++)
                    ScanBucket(position, offsets[probe], offsets[probe + 1], found);
            }
        }
        return found.Edges;
    }

    private void ScanBucket(int position, int from, int to, RangeFindings found)
    {
        var hashes = index.Hashes;
        var hash = hashes[position];
        for (var other = from; other < to; other++)
        {
            var difference = hash ^ hashes[other];
            if (BitOperations.PopCount(difference) <= maxDistance && layout.FirstChunkWithin(difference) == chunk)
                found.Add(position, other, EdgeBetween(position, other));
        }
    }

    private PhashEdge EdgeBetween(int x, int y)
    {
        var (a, b) = (index.Ordinals[x], index.Ordinals[y]);
        var distance = BitOperations.PopCount(index.Hashes[x] ^ index.Hashes[y]);
        return a < b ? new PhashEdge(a, b, distance) : new PhashEdge(b, a, distance);
    }
}
