using System.Numerics;
using MMForge.Dedup;

namespace MMForge.Tests.Dedup;

/// <summary>Hash sets with known near pairs, and the brute-force answer to compare the search with.</summary>
internal static class NearHashes
{
    /// <summary>
    /// Random hashes with planted structure: pairs at every distance 0..k+1, chains of steps
    /// within k (connected only transitively), identical groups, and a crowd whose hashes vary
    /// in 16 fixed bit positions only (many pairs at every distance, dense enough to make hubs).
    /// </summary>
    public static ulong[] Planted(int seed, int randomCount, int k, int crowdCount)
    {
        var random = new Random(seed);
        var hashes = new List<ulong>();
        for (var i = 0; i < randomCount; i++) hashes.Add(NextHash(random));
        for (var distance = 0; distance <= k + 1; distance++)
            for (var copy = 0; copy < 20; copy++)
            {
                var hash = NextHash(random);
                hashes.Add(hash);
                hashes.Add(hash ^ Mask(random, distance));
            }
        for (var chain = 0; chain < 20; chain++)
        {
            var hash = NextHash(random);
            for (var step = 0; step < 6; step++)
            {
                hashes.Add(hash);
                hash ^= Mask(random, Math.Max(1, k));
            }
        }
        for (var group = 0; group < 10; group++)
        {
            var hash = NextHash(random);
            for (var copy = 0; copy < 2 + group * 5; copy++) hashes.Add(hash);
        }
        var crowdBase = NextHash(random);
        var crowdBits = Mask(random, 16);
        for (var i = 0; i < crowdCount; i++) hashes.Add(crowdBase ^ Spread((ulong)random.Next(1 << 16), crowdBits));
        // shuffled so that planted pairs are not neighbours in ordinal order
        var shuffled = hashes.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>For each ordinal, the smallest ordinal in its component.</summary>
    public static int[] Components(int count, IEnumerable<(int A, int B)> pairs)
    {
        var sets = new UnionFind(count);
        foreach (var (a, b) in pairs) sets.Union(a, b);
        var smallest = new int[count];
        Array.Fill(smallest, int.MaxValue);
        for (var i = 0; i < count; i++) smallest[sets.Find(i)] = Math.Min(smallest[sets.Find(i)], i);
        return [.. Enumerable.Range(0, count).Select(i => smallest[sets.Find(i)])];
    }

    /// <summary>Every pair within <paramref name="k"/> bits, by comparing all pairs.</summary>
    public static IEnumerable<(int A, int B)> BruteForcePairs(ulong[] hashes, int k)
    {
        for (var a = 0; a < hashes.Length; a++)
            for (var b = a + 1; b < hashes.Length; b++)
                if (BitOperations.PopCount(hashes[a] ^ hashes[b]) <= k) yield return (a, b);
    }

    public static ulong NextHash(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);

    /// <summary>A random 64-bit mask with exactly <paramref name="bits"/> bits set.</summary>
    public static ulong Mask(Random random, int bits)
    {
        var mask = 0UL;
        while (BitOperations.PopCount(mask) < bits) mask |= 1UL << random.Next(64);
        return mask;
    }

    /// <summary>Places the low bits of <paramref name="value"/> at the set positions of <paramref name="positions"/>.</summary>
    private static ulong Spread(ulong value, ulong positions)
    {
        var spread = 0UL;
        for (; positions != 0; positions &= positions - 1, value >>= 1)
            if ((value & 1) != 0) spread |= positions & ~(positions - 1);
        return spread;
    }
}
