using System.Numerics;

namespace MMForge.Dedup;

/// <summary>
/// How multi-index hashing cuts a 64-bit hash: <see cref="Chunks"/> disjoint chunks of
/// <see cref="Bits"/> bits each (chunk i is bits <c>i*Bits .. (i+1)*Bits-1</c>, counted from the
/// least significant; bits above <c>Chunks*Bits</c> are not indexed), and the Hamming radius
/// searched in each chunk.
/// </summary>
/// <remarks>
/// The radii follow the pigeonhole principle. With <c>k = Chunks*r + a</c> (<c>0 &lt;= a &lt; Chunks</c>),
/// chunks <c>0..a</c> get radius <c>r</c> and the others <c>r-1</c> (-1: not searched at all). The
/// radii plus one sum to <c>k+1</c>, so two hashes that differ in at most k bits cannot exceed the
/// radius in every chunk: at least one chunk finds the pair. That still holds when some bits are
/// not indexed, because the differing bits inside the chunks are fewer still.
/// </remarks>
public sealed class ChunkLayout
{
    /// <summary>The widest chunk: its offset table has 2^24 + 1 entries (64 MB).</summary>
    public const int MaxBits = 24;

    private readonly int[] radii;

    /// <param name="chunks">How many chunks; at least 1.</param>
    /// <param name="bits">Bits per chunk, 1 to <see cref="MaxBits"/>, with <c>chunks*bits &lt;= 64</c>.</param>
    /// <param name="maxDistance">The largest Hamming distance k that must be found.</param>
    public ChunkLayout(int chunks, int bits, int maxDistance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, MaxBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunks * bits, 64, nameof(chunks));
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        Chunks = chunks;
        Bits = bits;
        var (radius, extra) = Math.DivRem(maxDistance, chunks);
        radii = [.. Enumerable.Range(0, chunks).Select(c => c <= extra ? radius : radius - 1)];
    }

    public int Chunks { get; }
    public int Bits { get; }

    /// <summary>The Hamming radius searched in each chunk; -1 for a chunk that is not searched.</summary>
    public IReadOnlyList<int> Radii => radii;

    /// <summary>
    /// The layout expected to be fastest for <paramref name="distinctCount"/> distinct hashes:
    /// among every chunk count and width that keeps the offset table within four entries per
    /// hash (or 4,096 entries), the one with the least estimated work.
    /// </summary>
    public static ChunkLayout Choose(int distinctCount, int maxDistance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(distinctCount);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        var widest = Math.Min(MaxBits, Math.Max(12, (int)Math.Floor(Math.Log2(Math.Max(1.0, 4.0 * distinctCount)))));
        var candidates =
            from chunks in Enumerable.Range(1, Math.Min(maxDistance + 1, 64))
            from bits in Enumerable.Range(1, Math.Min(widest, 64 / chunks))
            select new ChunkLayout(chunks, bits, maxDistance);
        return candidates.MinBy(layout => layout.EstimatedWork(distinctCount))!;
    }

    /// <summary>
    /// Work in rough units of one candidate comparison. Per searched chunk: building its index
    /// (a scatter per hash, a pass over the offset table), then per hash one bucket look-up for
    /// each value in the ball (a look-up costs about two comparisons) and one comparison per
    /// entry in those buckets. Half of the look-ups are skipped because a pair in two buckets is
    /// probed only from the smaller value.
    /// </summary>
    internal double EstimatedWork(int distinctCount)
    {
        const double scatter = 3, lookup = 2;
        var buckets = Math.Pow(2, Bits);
        var perBucket = distinctCount / buckets;
        double work = 0;
        foreach (var radius in radii.Where(r => r >= 0))
        {
            var probes = (HammingBall.Volume(Bits, radius) + 1) / 2;
            work += distinctCount * scatter + buckets + distinctCount * probes * (lookup + perBucket);
        }
        return work;
    }

    /// <summary>The value of chunk <paramref name="chunk"/> of <paramref name="hash"/>.</summary>
    internal int ValueOf(ulong hash, int chunk) => (int)((hash >> (chunk * Bits)) & ((1UL << Bits) - 1));

    /// <summary>
    /// The first searched chunk in which <paramref name="difference"/> (the XOR of two hashes)
    /// is within that chunk's radius, or -1. A pair is reported only by that chunk's search.
    /// </summary>
    internal int FirstChunkWithin(ulong difference)
    {
        for (var chunk = 0; chunk < Chunks; chunk++)
            if (BitOperations.PopCount((ulong)ValueOf(difference, chunk)) <= radii[chunk]) return chunk;
        return -1;
    }

    public override string ToString() => $"{Chunks} chunks x {Bits} bits, radii {string.Join(',', radii)}";
}
