using System.Numerics;
using MMForge.Dedup.Text;

namespace MMForge.Dedup;

/// <summary>
/// The near-duplicate edges of each <see cref="DedupMatch"/>, found on the keys (and the
/// spilled text signatures) alone. With <see cref="DedupScope.Source"/> every search is split by
/// source, so no edge ever joins two sources.
/// </summary>
internal sealed class NearDuplicates(KeyColumns keys, DedupOptions options)
{
    private bool PerSource => options.Scope == DedupScope.Source;

    /// <summary>Samples whose first images are within the pHash distance, whatever their text.</summary>
    public IEnumerable<DuplicateEdge> Images() =>
        ImagePairs().Select(p => new DuplicateEdge(p.A, p.B, DuplicateKind.NearImage, p.Distance, double.NaN));

    /// <summary>Samples whose texts are near duplicates, whatever their images.</summary>
    public IEnumerable<DuplicateEdge> Texts(MinHashLsh texts) =>
        texts.FindEdges(options.Workers, i => TextGroup(i, PerSource ? (ulong)keys.Source(i) : 0))
            .Select(e => new DuplicateEdge(e.A, e.B, DuplicateKind.NearText, -1, e.Similarity));

    /// <summary>
    /// The LSH group of sample <paramref name="i"/>: the given group, or a group of its own when
    /// it has no text (all empty texts have the same signature, and are not duplicates for it).
    /// </summary>
    private ulong TextGroup(int i, ulong group) => keys.HasText(i) ? group : (1UL << 63) | (uint)i;

    /// <summary>
    /// Samples with near-duplicate images AND near-duplicate text. The text search runs within
    /// clusters of near-duplicate images (the cluster is part of every LSH band key; text-only
    /// samples form one cluster of their own), and each pair found is checked to be within the
    /// pHash distance directly, not only through its cluster.
    /// </summary>
    public IEnumerable<DuplicateEdge> ImagesAndTexts(MinHashLsh texts)
    {
        var clusters = new UnionFind(keys.Count);
        foreach (var pair in ImagePairs()) clusters.Union(pair.A, pair.B);
        // Roots read once: the LSH asks for groups from many threads, and Find compresses paths as it goes.
        var cluster = new int[keys.Count];
        for (var i = 0; i < cluster.Length; i++) cluster[i] = clusters.Find(i);
        ulong Group(int i) => TextGroup(i, ((PerSource ? (ulong)keys.Source(i) : 0) << 32) | (keys.HasPhash(i) ? (uint)cluster[i] + 1UL : 0));
        foreach (var edge in texts.FindEdges(options.Workers, Group))
        {
            if (!keys.HasPhash(edge.A) && !keys.HasPhash(edge.B))
                yield return new DuplicateEdge(edge.A, edge.B, DuplicateKind.NearText, -1, edge.Similarity);
            else if (BitOperations.PopCount(keys.Phash(edge.A) ^ keys.Phash(edge.B)) is var distance && distance <= options.MaxImageDistance)
                yield return new DuplicateEdge(edge.A, edge.B, DuplicateKind.Near, distance, edge.Similarity);
        }
    }

    /// <summary>
    /// Pairs of hashed samples within the distance (connectivity-complete: see <see cref="PhashNeighbors"/>),
    /// searched per scope group; each connected group's pairs depend on its own hashes alone
    /// (<see cref="ComponentEdges"/>), so a sharded dedup that searches each group apart finds the same.
    /// </summary>
    private IEnumerable<PhashEdge> ImagePairs()
    {
        foreach (var group in HashedOrdinalsByGroup())
        {
            var hashes = new ulong[group.Length];
            for (var j = 0; j < hashes.Length; j++) hashes[j] = keys.Phash(group.Span[j]);
            var pairs = ComponentEdges.PerGroup(PhashNeighbors.FindInPlace(hashes, options.MaxImageDistance, options.Workers),
                hashes.Length, j => keys.Phash(group.Span[j]), options.MaxImageDistance, options.Workers);
            foreach (var pair in pairs)
                yield return new PhashEdge(group.Span[pair.A], group.Span[pair.B], pair.Distance);
        }
    }

    /// <summary>
    /// The ordinals of the hashed samples of each scope group (every source, or one group), each
    /// in input order, groups in order of their first sample: one array of exactly the hashed
    /// samples, counting-sorted by group, rather than a growing list per group.
    /// </summary>
    private IEnumerable<ReadOnlyMemory<int>> HashedOrdinalsByGroup()
    {
        int GroupOf(int i) => PerSource ? keys.Source(i) : 0;
        var starts = new int[(PerSource ? keys.SourceCount : 1) + 1];
        for (var i = 0; i < keys.Count; i++)
            if (keys.HasPhash(i)) starts[GroupOf(i) + 1]++;
        for (var group = 1; group < starts.Length; group++) starts[group] += starts[group - 1];
        var ordinals = new int[starts[^1]];
        var next = starts[..^1];
        for (var i = 0; i < keys.Count; i++)
            if (keys.HasPhash(i)) ordinals[next[GroupOf(i)]++] = i;
        // source numbers follow first appearance, so group number order is first-sample order
        for (var group = 0; group + 1 < starts.Length; group++)
            if (starts[group + 1] > starts[group]) yield return ordinals.AsMemory(starts[group]..starts[group + 1]);
    }
}
