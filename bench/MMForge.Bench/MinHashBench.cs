using System.Diagnostics;
using MMForge.Dedup.Text;

namespace MMForge.Bench;

/// <summary>
/// MinHash text dedup: signatures per second on one and two threads against normalizing and
/// hashing every shingle once (no permutations), then the LSH search over all of them with the
/// planted near-duplicates it finds.
/// </summary>
public sealed class MinHashBench : IBenchmark
{
    public string Name => "minhash";
    public string Usage => "minhash [--texts N (default 1000000)] [--dir DIR]: MinHash signatures/s on 1 and 2 threads, LSH time, planted pairs found";

    private static readonly MinHashOptions Options = new();

    public int Run(BenchArgs args)
    {
        var count = args.Int("--texts", 1_000_000);
        var dir = args.WorkDir(Name);
        var (texts, planted) = QaTextGenerator.Generate(count, plantedShare: 0.02);
        var chars = texts.Sum(t => (long)t.Length);
        Console.WriteLine($"mmforge minhash benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"input: {texts.Count:N0} texts, mean {(double)chars / texts.Count:F0} chars, {planted.Count:N0} planted near-duplicates");
        Console.WriteLine($"options: char {Options.ShingleSize}-grams, {Options.Permutations} permutations = {Options.Bands} bands x {Options.RowsPerBand} rows, threshold {Options.JaccardThreshold}");

        // best of two runs: the first also pays for compiling the loops. CPU time is reported
        // beside wall time because other jobs share these cores.
        var shingles = Best(() => Timed.Of(() => ShingleOnly(texts)));
        var oneThread = Best(() => Timed.Of(() => Signatures(texts, threads: 1)));
        var twoThreads = Best(() => Timed.Of(() => Signatures(texts, threads: 2)));
        Console.WriteLine($"  baseline normalize + hash each shingle once, 1 thread: {Rate(texts.Count, shingles)}");
        Console.WriteLine($"  MinHash signatures, 1 thread:  {Rate(texts.Count, oneThread)}, {oneThread.Cpu / shingles.Cpu:F2}x the baseline's CPU time");
        Console.WriteLine($"  MinHash signatures, 2 threads: {Rate(texts.Count, twoThreads)}, {oneThread.Wall / twoThreads.Wall:F2}x one thread's wall speed");

        using var lsh = new MinHashLsh(Options, dir);
        var add = Time(() => lsh.AddRange(texts, threads: 2));
        Console.WriteLine($"  LSH add (signatures + spill, 2 threads): {add.TotalSeconds:F2}s, spill file {new FileInfo(lsh.SpillPath).Length / 1e6:F0} MB");
        IReadOnlyList<TextEdge> edges = [];
        foreach (var threads in new[] { 1, 2 })
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var search = Timed.Of(() => edges = lsh.FindEdges(threads));
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            Console.WriteLine($"  LSH search, {threads} thread(s): {search.Wall:F2}s wall, {search.Cpu:F2} CPU-s, {edges.Count:N0} edges, " +
                              $"{allocated / 1e6:F0} MB allocated ({(double)allocated / texts.Count:F0} bytes per text)");
        }
        ReportPlanted(texts, planted, edges);
        return 0;
    }

    /// <summary>Recall over planted pairs by their exact Jaccard: below the threshold a copy is not meant to be found.</summary>
    private static void ReportPlanted(List<string> texts, List<(int Original, int Copy)> planted, IReadOnlyList<TextEdge> edges)
    {
        var components = new UnionFind(texts.Count);
        foreach (var edge in edges) components.Union(edge.A, edge.B);
        var byJaccard = planted.GroupBy(p => ExactJaccard(texts[p.Original], texts[p.Copy]) switch { >= 0.8 => ">= 0.8", >= 0.7 => "0.7-0.8", _ => "< 0.7" });
        foreach (var group in byJaccard.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var found = group.Count(p => components.Find(p.Original) == components.Find(p.Copy));
            Console.WriteLine($"  planted pairs with exact Jaccard {group.Key}: {found:N0} of {group.Count():N0} connected ({100.0 * found / group.Count():F2}%)");
        }
        var plantedPairs = planted.Select(p => (Math.Min(p.Original, p.Copy), Math.Max(p.Original, p.Copy))).ToHashSet();
        var other = edges.Where(e => !plantedPairs.Contains((e.A, e.B))).ToList();
        var sample = other.Take(3).Select(e => $"\n      {e.Similarity:F2}: \"{texts[e.A].ReplaceLineEndings(" ")}\" ~ \"{texts[e.B].ReplaceLineEndings(" ")}\"");
        Console.WriteLine($"  edges that are not a planted pair (template collisions, copies of copies): {other.Count:N0}{string.Concat(sample)}");
    }

    private static void ShingleOnly(List<string> texts)
    {
        var shingler = new Shingler(Options.ShingleKind, Options.ShingleSize);
        var normalized = new char[4096];
        var hashes = new ulong[4096];
        var checksum = 0UL;
        foreach (var text in texts)
        {
            var length = TextNormalizer.Normalize(text, normalized);
            var count = shingler.Hash(normalized.AsSpan(0, length), hashes);
            for (var i = 0; i < count; i++) checksum ^= hashes[i];
        }
        GC.KeepAlive(checksum);
    }

    private static void Signatures(List<string> texts, int threads) =>
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var hasher = new MinHasher(Options);
            var signature = new uint[Options.Permutations];
            for (var i = t; i < texts.Count; i += threads) hasher.Compute(texts[i], signature);
        });

    private static double ExactJaccard(string x, string y)
    {
        var a = ShingleSet(x);
        var b = ShingleSet(y);
        return (double)a.Intersect(b).Count() / a.Union(b).Count();
    }

    private static HashSet<ulong> ShingleSet(string text)
    {
        var normalized = new char[text.Length];
        var hashes = new ulong[text.Length];
        var count = new Shingler(Options.ShingleKind, Options.ShingleSize).Hash(normalized.AsSpan(0, TextNormalizer.Normalize(text, normalized)), hashes);
        return hashes.Take(count).ToHashSet();
    }

    private static Timed Best(Func<Timed> run)
    {
        var (first, second) = (run(), run());
        return first.Wall < second.Wall ? first : second;
    }

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    private static string Rate(int texts, Timed time) =>
        $"{texts / time.Wall,10:N0} texts/s wall, {texts / time.Cpu,10:N0} texts per CPU-second";

    private sealed class UnionFind(int count)
    {
        private readonly int[] parent = Enumerable.Range(0, count).ToArray();

        public int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }

        public void Union(int a, int b) => parent[Find(a)] = Find(b);
    }
}
