namespace MMForge.Dedup.Text;

/// <summary>
/// Finds near-duplicate texts among many samples with bounded memory. Texts are added in
/// ordinal order (0, 1, 2, ...) and their signatures streamed to a spill file in
/// <c>spillDirectory</c>. <see cref="FindEdges"/> then takes the bands one at a time: it sorts
/// every sample's band key, verifies the samples whose keys agree on their signatures, and keeps
/// the pairs at or above the Jaccard threshold. RAM holds 20 bytes per sample plus the edges;
/// the signatures stay in the file (memory-mapped). Disposing deletes the file.
/// </summary>
/// <remarks>
/// The edges are meant for connected components (union-find): every verified near pair's
/// samples end up connected, but not every such pair is its own edge. Inside a band group larger
/// than <see cref="BandCandidates.AllPairsGroupLimit"/>, members are compared with the group's
/// lowest ordinal only.
/// </remarks>
public sealed class MinHashLsh : IDisposable
{
    private const int BatchSize = 4096;

    private readonly MinHashOptions options;
    private readonly RecordSpill<uint> spill;
    private readonly List<MinHasher> hashers = [];

    public MinHashLsh(MinHashOptions options, string spillDirectory)
    {
        options.Validate();
        this.options = options;
        spill = new RecordSpill<uint>(spillDirectory, "minhash-signatures", options.Permutations);
    }

    /// <summary>How many samples were added; the next one gets this ordinal.</summary>
    public int Count => spill.Count;

    /// <summary>The temporary file holding the signatures; it is gone once this is disposed.</summary>
    public string SpillPath => spill.Path;

    /// <summary>Adds one text; returns its ordinal.</summary>
    public int Add(ReadOnlySpan<char> text)
    {
        Span<uint> signature = stackalloc uint[options.Permutations];
        Hashers(1)[0].Compute(text, signature);
        return spill.Append(signature);
    }

    /// <summary>Adds a signature computed elsewhere with a <see cref="MinHasher"/> of the same options; returns its ordinal.</summary>
    public int AddSignature(ReadOnlySpan<uint> signature)
    {
        if (signature.Length != options.Permutations)
            throw new ArgumentException($"must hold {options.Permutations} values", nameof(signature));
        return spill.Append(signature);
    }

    /// <summary>Adds texts in order, computing their signatures on <paramref name="threads"/> threads; returns the first ordinal.</summary>
    public int AddRange(IReadOnlyList<string> texts, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var first = Count;
        var hashersForBatch = Hashers(threads);
        var buffer = new uint[Math.Min(BatchSize, texts.Count) * options.Permutations];
        for (var batchStart = 0; batchStart < texts.Count; batchStart += BatchSize)
        {
            var batch = Math.Min(BatchSize, texts.Count - batchStart);
            // contiguous slices, one hasher each: a hasher reuses its buffers and must not be shared
            var slice = (batch + threads - 1) / threads;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (var i = t * slice; i < Math.Min(batch, (t + 1) * slice); i++)
                    hashersForBatch[t].Compute(texts[batchStart + i], buffer.AsSpan(i * options.Permutations, options.Permutations));
            });
            spill.Append(buffer.AsSpan(0, batch * options.Permutations));
        }
        return first;
    }

    /// <summary>
    /// The verified near-duplicate pairs, sorted by (A, B), each once. The result is the same for
    /// any <paramref name="threads"/>; call after the last Add. With <paramref name="group"/>,
    /// only samples of the same group (a source, a cluster of near-duplicate images) are paired:
    /// the group is part of every band key, so other samples are never even candidates.
    /// </summary>
    public IReadOnlyList<TextEdge> FindEdges(int threads, Func<int, ulong>? group = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (Count < 2) return [];
        using var signatures = spill.Map();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var table = new BandTable(Count);
        var candidates = new BandCandidates(signatures, options, group);
        // several chunks per thread even out chunks that happen to hold more candidates
        var chunks = threads == 1 ? 1 : threads * 4;
        var edges = new List<TextEdge>();
        for (var band = 0; band < options.Bands; band++)
        {
            table.Fill(signatures, band, options.RowsPerBand, group, parallel);
            var perChunk = new List<TextEdge>[chunks];
            Parallel.For(0, chunks, parallel, c =>
            {
                var (start, end) = table.Chunk(c, chunks);
                perChunk[c] = candidates.Verify(table, band, start, end);
            });
            foreach (var found in perChunk) edges.AddRange(found);
        }
        return SortedOnce(edges);
    }

    public void Dispose() => spill.Dispose();

    private List<MinHasher> Hashers(int count)
    {
        while (hashers.Count < count) hashers.Add(new MinHasher(options));
        return hashers;
    }

    /// <summary>Sorts by (A, B) and drops repeats: a pair can still surface in two bands when an earlier group was large.</summary>
    private static List<TextEdge> SortedOnce(List<TextEdge> edges)
    {
        edges.Sort((x, y) => x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        var unique = new List<TextEdge>(edges.Count);
        foreach (var edge in edges)
            if (unique.Count == 0 || unique[^1].A != edge.A || unique[^1].B != edge.B) unique.Add(edge);
        return unique;
    }
}
