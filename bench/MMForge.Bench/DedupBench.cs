using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MMForge.Bench;

/// <summary>
/// The dedup stage end to end on an Infinity-MM-shaped dataset with planted duplicates: wall and
/// CPU time, peak memory per sample, and how many planted duplicates were removed, against a
/// streaming stage over the same dataset (validate: one read, decode, encode, write) measured in
/// the same run.
/// </summary>
public sealed class DedupBench : IBenchmark
{
    public string Name => "dedup";
    public string Usage => "dedup [--records N (default 1000000)] [--shards S] [--scope global|source] [--matches exact,image+text (any of exact, image+text, image, text)] [--dir DIR] [--cli OTHER/MMForge.Cli.dll]: mmforge dedup time and memory per sample vs. a streaming stage, and the smallest managed heap each runs in; "
        + "with --shards, also the sharded steps (keys, reduce, decide, in S shards), and the smallest heap of the decide step and of the largest reduce step";

    private static readonly string[] Words =
        "the a image shows person people man woman dog cat bus car street table sign red white blue green black large small two three left right top bottom of in on with near and is are what color how many where why which does this that there picture photo background front holding sitting standing wearing".Split(' ');

    public int Run(BenchArgs args)
    {
        var records = args.Int("--records", 1_000_000);
        var dir = args.WorkDir(Name);
        var input = Path.Combine(dir, $"infinity_mm_{records}.jsonl");
        var planted = Generate(input, records);
        var cli = args.String("--cli", Path.Combine(AppContext.BaseDirectory, "MMForge.Cli.dll"));
        var shards = args.Int("--shards", 0);
        var scope = args.String("--scope", "global");
        var dataset = Path.Combine(dir, "ingested");
        var ingest = ChildRun.Start("dotnet", [cli, "ingest", input, "-o", dataset, "--disable", "image-missing"]);
        if (ingest.ExitCode != 0) { Console.Error.WriteLine(ingest.Output); return 1; }
        Console.WriteLine($"mmforge dedup benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"input: {records:N0} Infinity-MM records, {new FileInfo(input).Length / 1e6:F0} MB; planted: {planted.Exact:N0} exact copies, {planted.Near:N0} near copies (pHash 1-3 bits, text edited)");

        string[] validate = ["validate", dataset, "-o", Path.Combine(dir, "validated")];
        var baseline = Measure("validate (streaming baseline)", records, cli, validate);
        var baselineHeap = SmallestHeap(cli, validate, baseline!.PeakAnonymousBytes);
        Console.WriteLine($"    smallest managed heap it finishes in twice: {baselineHeap / 1e6:F0} MB");
        foreach (var match in args.String("--matches", "exact,image+text").Split(','))
        {
            var output = Path.Combine(dir, "dedup-" + match.Replace('+', '-'));
            string[] dedup = ["dedup", dataset, "-o", output, "--match", match, "--scope", scope];
            var run = Measure($"dedup --match {match} --scope {scope}", records, cli, dedup);
            if (run is null) return 1;
            var removed = File.ReadLines(Path.Combine(output, "clusters.jsonl")).Count();
            // kept for the sharded run to compare with: the heap search below reruns into the output
            var oneProcessClusters = Path.Combine(dir, $"clusters-{match.Replace('+', '-')}.jsonl");
            File.Copy(Path.Combine(output, "clusters.jsonl"), oneProcessClusters, overwrite: true);
            var heap = SmallestHeap(cli, dedup, run.PeakAnonymousBytes);
            var expected = match == "exact" ? planted.Exact : planted.Exact + planted.Near;
            Console.WriteLine($"    removed {removed:N0} (planted {expected:N0}); {run.Cpu.TotalSeconds / baseline!.Cpu.TotalSeconds:F2}x the CPU time of the streaming stage, " +
                              $"{(run.PeakAnonymousBytes - baseline.PeakAnonymousBytes) / (double)records:F0} bytes of anonymous memory per sample above it");
            Console.WriteLine($"    smallest managed heap it finishes in twice: {heap / 1e6:F0} MB, {(heap - baselineHeap) / (double)records:F0} bytes per sample above the streaming stage's");
            if (shards > 0 && !MeasureSharded(records, cli, dedup, shards, oneProcessClusters)) return 1;
        }
        return 0;
    }

    /// <summary>
    /// The same dedup as <paramref name="shards"/> shards, one step after another: each step's time
    /// and peak memory, the smallest heap of the decide step and of the reduce step of the largest
    /// partition, and whether clusters.jsonl is the one-process file.
    /// </summary>
    private static bool MeasureSharded(int records, string cli, string[] dedup, int shards, string oneProcessClusters)
    {
        var output = dedup[Array.IndexOf(dedup, "-o") + 1] + "-sharded";
        string[] Step(params string[] more) => [.. dedup.Select(a => a == dedup[Array.IndexOf(dedup, "-o") + 1] ? output : a), .. more];
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        Console.WriteLine($"  sharded, {shards} shards, one step at a time:");
        foreach (var phase in new[] { "keys", "reduce" })
        {
            var runs = new List<ChildRun>();
            for (var i = 0; i < shards; i++)
                if (Measure($"  --phase {phase} --shard {i}/{shards}", records, cli, Step("--phase", phase, "--shard", $"{i}/{shards}")) is { } run) runs.Add(run);
                else return false;
            if (phase == "reduce")
            {
                // the bisection reruns a step into an emptied output, so it runs on a copy of the keys
                var largest = runs.IndexOf(runs.MaxBy(r => r.PeakAnonymousBytes)!);
                var heap = SmallestHeapOnCopy(cli, Step("--phase", phase, "--shard", $"{largest}/{shards}"), output, runs[largest].PeakAnonymousBytes,
                    redo: Path.Combine("keys", "reduce", $"{largest:D5}-of-{shards:D5}"));
                Console.WriteLine($"    smallest managed heap reduce {largest}/{shards} finishes in twice: {heap / 1e6:F0} MB");
            }
        }
        var decide = Measure("  --phase decide", records, cli, Step("--phase", "decide"));
        if (decide is null) return false;
        var same = File.ReadAllBytes(Path.Combine(output, "clusters.jsonl")).AsSpan().SequenceEqual(File.ReadAllBytes(oneProcessClusters));
        Console.WriteLine($"    clusters.jsonl {(same ? "is" : "is NOT")} the one-process file");
        var decideHeap = SmallestHeapOnCopy(cli, Step("--phase", "decide"), output, decide.PeakAnonymousBytes);
        Console.WriteLine($"    smallest managed heap the decide step finishes in twice: {decideHeap / 1e6:F0} MB");
        return same;
    }

    /// <summary>
    /// <see cref="SmallestHeap"/> of a step that reads <paramref name="output"/>'s keys, each run on a
    /// fresh copy of that folder without the step's own output <paramref name="redo"/> (which it would skip).
    /// </summary>
    private static long SmallestHeapOnCopy(string cli, string[] step, string output, long works, string? redo = null)
    {
        var copy = output + "-heap";
        void Fresh()
        {
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
            CopyTree(output, copy);
            if (redo is not null) Directory.Delete(Path.Combine(copy, redo), recursive: true);
        }
        var heap = SmallestHeap(cli, step.Select(a => a == output ? copy : a).ToArray(), works, Fresh);
        if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true); // none when the bisection had nothing to search
        return heap;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }

    /// <summary>
    /// The smallest managed heap (<c>DOTNET_GCHeapHardLimit</c>, to within 4 MB) under which the
    /// command finishes twice in a row: what it really needs to hold. Unlimited, the collector
    /// leaves garbage for later, so peak memory says more about the collector than about the
    /// stage; in a container with a memory limit .NET caps the heap this way by itself. Near the
    /// limit, whether a run fits depends on when its threads allocate, hence two runs.
    /// </summary>
    private static long SmallestHeap(string cli, string[] args, long works, Action? before = null)
    {
        const long step = 4 << 20;
        var (fails, finishes) = (step, works);
        while (finishes - fails > step)
        {
            var limit = (fails + finishes) / 2;
            if (FinishesWithin(cli, args, limit, before) && FinishesWithin(cli, args, limit, before)) finishes = limit;
            else fails = limit;
        }
        return finishes;
    }

    /// <param name="before">Prepares the output for a run; by default it is removed.</param>
    private static bool FinishesWithin(string cli, string[] args, long heapLimit, Action? before)
    {
        // a run stopped by the limit may leave its output half made
        var output = args[Array.IndexOf(args, "-o") + 1];
        if (before is not null) before();
        else if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var run = ChildRun.Start("dotnet", [cli, .. args], new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = $"0x{heapLimit:x}" });
        return run.ExitCode <= 1; // 1: finished with rejects
    }

    private static ChildRun? Measure(string label, int records, string cli, string[] args)
    {
        var run = ChildRun.Start("dotnet", [cli, .. args]);
        if (run.ExitCode > 1) { Console.Error.WriteLine(run.Output); return null; }
        Console.WriteLine($"  {label,-32} {run.Elapsed.TotalSeconds,6:F1} s wall, {run.Cpu.TotalSeconds,6:F1} CPU-s, {records / run.Cpu.TotalSeconds,9:N0} records per CPU-second, peak RSS {run.PeakRssBytes / 1e6,6:F0} MB, of it anonymous {run.PeakAnonymousBytes / 1e6,6:F0} MB");
        return run;
    }

    /// <summary>
    /// Writes records with random pHashes and generated questions/answers. About 2% are exact
    /// copies of an earlier record; about 3% are near copies (1-3 pHash bits flipped and one word of
    /// the answer changed, well above the text threshold). Seeded.
    /// </summary>
    private static (int Exact, int Near) Generate(string path, int records)
    {
        var random = new Random(44_800_000);
        var kept = new List<(ulong Phash, string Question, string Answer)>();
        var (exact, near) = (0, 0);
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        for (var i = 0; i < records; i++)
        {
            var roll = random.NextDouble();
            (ulong Phash, string Question, string Answer) sample;
            if (roll < 0.02 && kept.Count > 0) { sample = kept[random.Next(kept.Count)]; exact++; }
            else if (roll < 0.05 && kept.Count > 0)
            {
                var original = kept[random.Next(kept.Count)];
                var phash = original.Phash;
                foreach (var bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(1, 4))) phash ^= 1UL << bit;
                var words = original.Answer.Split(' ');
                words[random.Next(words.Length)] = Words[random.Next(Words.Length)];
                sample = (phash, original.Question, string.Join(' ', words));
                near++;
            }
            else
            {
                sample = ((ulong)random.NextInt64() ^ ((ulong)random.Next() << 33), Sentence(random, 6, 14) + "?", Sentence(random, 12, 40) + ".");
                kept.Add(sample);
            }
            file.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = i.ToString(CultureInfo.InvariantCulture),
                ["source"] = "bench" + (i % 8).ToString(CultureInfo.InvariantCulture),
                ["image"] = $"images/{i:D9}.jpg",
                ["conversations"] = new[] { new { from = "human", value = "<image>\n" + sample.Question }, new { from = "gpt", value = sample.Answer } },
                ["phash"] = new[] { sample.Phash },
            }));
        }
        return (exact, near);
    }

    private static string Sentence(Random random, int min, int max) =>
        string.Join(' ', Enumerable.Range(0, random.Next(min, max)).Select(_ => Words[random.Next(Words.Length)]));
}
