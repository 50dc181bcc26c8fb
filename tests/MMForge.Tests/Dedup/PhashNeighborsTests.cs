using System.Numerics;
using MMForge.Dedup;

namespace MMForge.Tests.Dedup;

public class PhashNeighborsTests
{
    private const int Crowd = 400;

    public static TheoryData<int, int> DistancesAndThreads()
    {
        var rows = new TheoryData<int, int>();
        for (var k = 0; k <= 8; k++)
            foreach (var threads in new[] { 1, 2 })
                rows.Add(k, threads);
        return rows;
    }

    [Theory]
    [MemberData(nameof(DistancesAndThreads))]
    public void ConnectsExactlyWhatBruteForceConnects(int k, int threads)
    {
        var hashes = NearHashes.Planted(seed: k, randomCount: 3000, k, Crowd);
        var edges = PhashNeighbors.Find(hashes, k, threads);
        AssertSameComponentsAsBruteForce(hashes, k, edges);
    }

    public static TheoryData<int, int, int> Layouts()
    {
        // every radius configuration: more chunks than k+1 (some not searched), chunks that leave
        // bits unindexed, one chunk, and chunks of a single bit
        var rows = new TheoryData<int, int, int>();
        foreach (var k in new[] { 1, 2, 3, 5, 7 })
            foreach (var (chunks, bits) in new[] { (1, 12), (2, 8), (3, 10), (4, 16), (6, 9), (9, 4), (64, 1) })
                rows.Add(k, chunks, bits);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void AnyLayoutConnectsWhatBruteForceConnects(int k, int chunks, int bits)
    {
        var hashes = NearHashes.Planted(seed: 100 + k, randomCount: 1500, k, Crowd);
        var edges = PhashNeighbors.Find(hashes, k, threads: 2, new ChunkLayout(chunks, bits, k));
        AssertSameComponentsAsBruteForce(hashes, k, edges);
    }

    [Fact]
    public void OrdinaryDataGetsAnEdgeForEveryPairOfDistinctValues()
    {
        const int k = 6;
        var hashes = NearHashes.Planted(seed: 3, randomCount: 3000, k, crowdCount: 0);
        var representative = hashes.Select((hash, ordinal) => (hash, ordinal))
            .GroupBy(x => x.hash).ToDictionary(g => g.Key, g => g.Min(x => x.ordinal));
        var expected = NearHashes.BruteForcePairs(hashes, k)
            .Select(p => (A: representative[hashes[p.A]], B: representative[hashes[p.B]]))
            .Where(p => p.A != p.B)
            .Concat(hashes.Select((hash, ordinal) => (A: representative[hash], B: ordinal)).Where(p => p.A != p.B))
            .Distinct().Order().ToList();
        var edges = PhashNeighbors.Find(hashes, k, threads: 1);
        Assert.Equal(expected, edges.Select(e => (e.A, e.B)));
    }

    [Fact]
    public void IdenticalHashesLinkToTheirSmallestOrdinal()
    {
        ulong[] hashes = [5, 5, 0xF0, 5, 9, 0xF0, 5];
        Assert.Equal(
            [new(0, 1, 0), new(0, 3, 0), new(0, 6, 0), new(2, 5, 0)],
            PhashNeighbors.Find(hashes, maxDistance: 1, threads: 1));
        // 5 ^ 9 = 0b1100: two bits apart, so k = 2 adds one edge between the groups' first members
        Assert.Contains(new PhashEdge(0, 4, 2), PhashNeighbors.Find(hashes, maxDistance: 2, threads: 1));
    }

    [Fact]
    public void AHugeGroupOfCopiesCostsOneEdgePerCopy()
    {
        var hashes = Enumerable.Repeat(0xABCDUL, 20_000).Append(0xABCFUL).ToArray();
        var edges = PhashNeighbors.Find(hashes, maxDistance: 4, threads: 2);
        Assert.Equal(20_000, edges.Length);
        Assert.Equal(new PhashEdge(0, 20_000, 1), edges[^1]);
    }

    [Fact]
    public void EdgesAreSortedPairsAtTheirTrueDistance()
    {
        const int k = 8;
        var hashes = NearHashes.Planted(seed: 11, randomCount: 3000, k, Crowd);
        var edges = PhashNeighbors.Find(hashes, k, threads: 2);
        Assert.NotEmpty(edges);
        Assert.All(edges, e =>
        {
            Assert.True(e.A < e.B);
            Assert.Equal(BitOperations.PopCount(hashes[e.A] ^ hashes[e.B]), e.Distance);
            Assert.InRange(e.Distance, 0, k);
        });
        Assert.Equal(edges.OrderBy(e => e.A).ThenBy(e => e.B), edges);
    }

    [Fact]
    public void ADenseClusterYieldsFarFewerEdgesThanPairsAndStaysConnected()
    {
        const int k = 8;
        var random = new Random(5);
        var centre = NearHashes.NextHash(random);
        // every member is within 4 bits of the centre, so every two members are within 8
        var hashes = Enumerable.Range(0, 1000).Select(_ => centre ^ NearHashes.Mask(random, random.Next(5))).ToArray();
        var edges = PhashNeighbors.Find(hashes, k, threads: 2);
        var distinct = hashes.Distinct().Count();
        // about 220,000 pairs of distinct values are within 8 bits; a few dozen edges per value
        // connect them all (at most DenseNeighbors + 1 per value and pass, and far fewer in practice)
        var copies = hashes.Length - distinct;
        Assert.InRange(edges.Length - copies, distinct - 1, 40 * distinct);
        Assert.Single(Components(hashes.Length, edges).Distinct());
    }

    [Fact]
    public void TheEdgesDoNotDependOnTheThreadCount()
    {
        // enough distinct values for several ranges per chunk pass, and a crowd that makes hubs
        var hashes = NearHashes.Planted(seed: 21, randomCount: 60_000, k: 6, crowdCount: 3000);
        var one = PhashNeighbors.Find(hashes, 6, threads: 1);
        var two = PhashNeighbors.Find(hashes, 6, threads: 2);
        Assert.Equal(one, two);
    }

    [Fact]
    public void SeveralRangesPerPassStillConnectWhatBruteForceConnects()
    {
        const int k = 5;
        var hashes = NearHashes.Planted(seed: 31, randomCount: 40_000, k, crowdCount: 2000);
        AssertSameComponentsAsBruteForce(hashes, k, PhashNeighbors.Find(hashes, k, threads: 2));
    }

    [Fact]
    public void EmptyAndSingleInputsHaveNoEdges()
    {
        Assert.Empty(PhashNeighbors.Find([], 4, 1));
        Assert.Empty(PhashNeighbors.Find([42UL], 4, 1));
    }

    [Fact]
    public void RejectsOutOfRangeArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PhashNeighbors.Find([1UL], -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PhashNeighbors.Find([1UL], PhashNeighbors.MaxSupportedDistance + 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PhashNeighbors.Find([1UL], 4, 0));
    }

    private static void AssertSameComponentsAsBruteForce(ulong[] hashes, int k, PhashEdge[] edges)
    {
        Assert.All(edges, e => Assert.InRange(BitOperations.PopCount(hashes[e.A] ^ hashes[e.B]), 0, k));
        var expected = NearHashes.Components(hashes.Length, NearHashes.BruteForcePairs(hashes, k));
        Assert.Equal(expected, Components(hashes.Length, edges));
    }

    private static int[] Components(int count, PhashEdge[] edges) =>
        NearHashes.Components(count, edges.Select(e => (e.A, e.B)));
}
