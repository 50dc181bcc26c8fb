using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using MMForge.Dedup;

namespace MMForge.Bench;

/// <summary>
/// Near-duplicate pHash search (<see cref="PhashNeighbors"/>) on planted random hashes: time,
/// peak memory and whether every planted pair ends up connected, for k = 4, 6 and 8 on 1 and 2
/// threads, against two baselines from the same run: sorting the hashes once, and brute force
/// on a subset, extrapolated. Each search runs in its own child process so that its peak RSS
/// is its own.
/// </summary>
public sealed class NearDupBench : IBenchmark
{
    private const int BruteForceSubset = 20_000;

    /// <summary>The JIT settings of MMForge.Cli's project file, so the search runs as the CLI will run it.</summary>
    private static readonly Dictionary<string, string> CliJitSettings = new()
    {
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_TC_QuickJitForLoops"] = "0",
    };

    public string Name => "neardup";
    public string Usage => "neardup [--hashes N (default 10000000)] [--k K (default 4, 6 and 8)]: pHash near-duplicate search time, peak RSS, planted pairs found";

    public int Run(BenchArgs args)
    {
        var count = args.Int("--hashes", 10_000_000);
        // a child process runs one search; the parent starts one child per (k, threads)
        if (args.Int("--threads", 0) is var threads and > 0) return Search(count, args.Int("--k", 4), threads);

        Console.WriteLine($"mmforge near-duplicate search benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"input: {count:N0} random hashes with {PlantedPhashes.NearPairs:N0} planted pairs at distances 1..k, " +
                          $"{PlantedPhashes.BlankCopies:N0} copies of one hash, {PlantedPhashes.SmallGroups:N0} groups of 2-20 copies, " +
                          $"a cluster of {PlantedPhashes.ClusterSize:N0} hashes all within k of each other");
        PrintBaselines(PlantedPhashes.Generate(count, maxDistance: 4).Hashes);

        var distances = args.Int("--k", 0) is var k and > 0 ? [k] : new[] { 4, 6, 8 };
        var failed = false;
        foreach (var distance in distances)
            foreach (var threadCount in new[] { 1, 2 })
            {
                var run = ChildRun.Start("dotnet", [typeof(NearDupBench).Assembly.Location, Name,
                    "--hashes", Invariant(count), "--k", Invariant(distance), "--threads", Invariant(threadCount)], CliJitSettings);
                Console.WriteLine($"  {run.Output.Trim()}; child process CPU {run.Cpu.TotalSeconds:F1} s in {run.Elapsed.TotalSeconds:F1} s");
                failed |= run.ExitCode != 0;
            }
        return failed ? 1 : 0;
    }

    private static void PrintBaselines(ulong[] hashes)
    {
        var clock = Stopwatch.StartNew();
        Array.Sort((ulong[])hashes.Clone());
        Console.WriteLine($"  baseline sort the hashes once: {clock.Elapsed.TotalSeconds:F2} s");

        var subset = hashes.AsSpan(0, Math.Min(BruteForceSubset, hashes.Length));
        clock.Restart();
        var near = 0;
        for (var a = 0; a < subset.Length; a++)
            for (var b = a + 1; b < subset.Length; b++)
                if (BitOperations.PopCount(subset[a] ^ subset[b]) <= 8) near++;
        var scale = Math.Pow((double)hashes.Length / subset.Length, 2);
        Console.WriteLine($"  baseline brute force on {subset.Length:N0} hashes: {clock.Elapsed.TotalSeconds:F2} s ({near} pairs within 8), " +
                          $"extrapolated to {hashes.Length:N0}: {clock.Elapsed.TotalSeconds * scale / 3600:F1} h on one core");
    }

    /// <summary>One search, as a child process: prints one line and fails when a planted pair is not connected.</summary>
    private static int Search(int count, int maxDistance, int threads)
    {
        var input = PlantedPhashes.Generate(count, maxDistance);
        var rssBefore = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        var edges = PhashNeighbors.Find(input.Hashes, maxDistance, threads);
        var seconds = clock.Elapsed.TotalSeconds;
        var peakRss = ChildRun.ReadHighWaterMark(Environment.ProcessId); // before the check below allocates

        var sets = new UnionFind(count);
        foreach (var edge in edges) sets.Union(edge.A, edge.B);
        var connected = input.Planted.Count(p => sets.Find(p.A) == sets.Find(p.B));
        var identical = edges.Count(e => e.Distance == 0); // one per hash that repeats an earlier value
        Console.Write($"k={maxDistance} threads={threads}: {seconds,6:F1} s, {ChunkLayout.Choose(count - identical, maxDistance)}, " +
                      $"{edges.Length - identical:N0} near + {identical:N0} identical edges, " +
                      $"planted pairs connected {connected:N0}/{input.Planted.Length:N0}, " +
                      $"RSS {rssBefore / 1e6:F0} MB before search, peak {peakRss / 1e6:F0} MB ({(peakRss - rssBefore) / (double)count:F0} bytes per hash)");
        return connected == input.Planted.Length ? 0 : 1;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
