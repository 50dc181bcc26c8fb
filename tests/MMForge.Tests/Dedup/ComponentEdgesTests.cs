using MMForge.Dedup;

namespace MMForge.Tests.Dedup;

public class ComponentEdgesTests
{
    private const int K = 6;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_dense_group_gets_the_same_edges_searched_alone_as_among_other_hashes(int threads)
    {
        var all = NearHashes.Planted(seed: 7, randomCount: 3000, K, crowdCount: 400);
        var crowd = LargestGroup(all);
        var crowdHashes = crowd.Select(i => all[i]).ToArray();

        var together = EdgesOf(crowd, Search(all, threads, perGroup: true));
        var alone = Search(crowdHashes, threads, perGroup: true).Select(e => new PhashEdge(crowd[e.A], crowd[e.B], e.Distance)).ToList();

        Assert.Equal(alone, together);
        // the plain search leaves out different pairs of the crowd in the two searches, so the rule is what makes them agree
        Assert.NotEqual(
            Search(crowdHashes, threads, perGroup: false).Select(e => new PhashEdge(crowd[e.A], crowd[e.B], e.Distance)).ToList(),
            EdgesOf(crowd, Search(all, threads, perGroup: false)));
    }

    [Fact]
    public void Ordinary_data_keeps_the_search_s_own_edges()
    {
        var hashes = NearHashes.Planted(seed: 3, randomCount: 3000, K, crowdCount: 0);
        var edges = PhashNeighbors.Find(hashes, K, threads: 1);
        Assert.Same(edges, ComponentEdges.PerGroup(edges, hashes.Length, i => hashes[i], K, threads: 1));
    }

    private static PhashEdge[] Search(ulong[] hashes, int threads, bool perGroup)
    {
        var edges = PhashNeighbors.Find(hashes, K, threads);
        return perGroup ? ComponentEdges.PerGroup(edges, hashes.Length, i => hashes[i], K, threads) : edges;
    }

    /// <summary>The ordinals of the largest connected group of near hashes (the planted crowd), in order.</summary>
    private static int[] LargestGroup(ulong[] hashes)
    {
        var components = NearHashes.Components(hashes.Length, PhashNeighbors.Find(hashes, K, threads: 1).Select(e => (e.A, e.B)));
        var largest = components.GroupBy(c => c).MaxBy(g => g.Count())!.Key;
        return [.. Enumerable.Range(0, hashes.Length).Where(i => components[i] == largest)];
    }

    private static List<PhashEdge> EdgesOf(int[] group, IEnumerable<PhashEdge> edges)
    {
        var members = group.ToHashSet();
        return [.. edges.Where(e => members.Contains(e.A))];
    }
}
