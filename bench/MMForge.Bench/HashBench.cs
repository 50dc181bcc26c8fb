using System.Diagnostics;
using MMForge.Media;

namespace MMForge.Bench;

/// <summary>
/// Image hashing throughput on JPEGs of 0.3–2.7 MP made from the sample photos (<see cref="PhotoCorpus"/>),
/// all from bytes in memory: exact and fast pHash as the hash stage computes them, against bare
/// libturbojpeg decodes at full size and at the fast mode's DCT scale, on 1 and 2 threads.
/// </summary>
public sealed class HashBench : IBenchmark
{
    public string Name => "hash";
    public string Usage => "hash [--images N (default 240)] [--rounds N (default 3)] [--samples DIR (default ../shared/samples)] [--dir DIR]: " +
                           "pHash images/s against bare JPEG decodes, 1 and 2 threads";

    private sealed record Mode(string Name, Func<Action<byte[]>> PerThread);

    /// <summary>Images per second of wall time, and per second of this process's CPU time (which other processes on a busy machine do not inflate).</summary>
    private readonly record struct Rate(double Wall, double Cpu)
    {
        public static Rate Best(IEnumerable<Rate> rates) => rates.Aggregate((a, b) => new Rate(Math.Max(a.Wall, b.Wall), Math.Max(a.Cpu, b.Cpu)));
    }

    public int Run(BenchArgs args)
    {
        var samples = args.Shared("--samples", "samples");
        if (!Directory.Exists(samples))
        {
            Console.Error.WriteLine($"no sample photos at {samples}: pass --samples DIR");
            return 2;
        }
        var rounds = args.Int("--rounds", 3);
        var corpus = PhotoCorpus.Generate(samples, args.Int("--images", 240));
        WriteCorpus(corpus, args.WorkDir(Name));
        var megapixels = corpus.Select(i => i.Width * (double)i.Height / 1e6).ToList();
        Console.WriteLine($"mmforge hash benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"corpus: {corpus.Count} JPEGs (quality {PhotoCorpus.Quality}, 4:2:0) from the photos under {samples}: " +
                          $"{megapixels.Min():F2}–{megapixels.Max():F2} MP, mean {megapixels.Average():F2} MP, " +
                          $"mean {corpus.Average(i => i.Jpeg.Length) / 1024:F0} KB; written to {args.WorkDir(Name)}");
        Console.WriteLine($"each figure: the best of {rounds} rounds; a round runs every mode twice on the same threads and times the second (warm) pass");

        var limits = DecodeLimits.Default;
        Mode[] modes =
        [
            new("bare full decode (baseline)", BareDecode(null)),
            new("bare DCT-scaled decode (baseline)", BareDecode(ImageFileHasher.FastMinSide)),
            new("exact pHash", () => jpeg => ImageFileHasher.Phash(jpeg, limits, fast: false)),
            new("fast pHash", () => jpeg => ImageFileHasher.Phash(jpeg, limits, fast: true)),
        ];
        var jpegs = corpus.Select(i => i.Jpeg).ToArray();
        int[] threadCounts = [1, 2];
        // rounds interleave the modes, so a burst of load from elsewhere hits them alike
        var measured = Enumerable.Range(0, rounds)
            .SelectMany(_ => modes.SelectMany(m => threadCounts.Select(t => (m.Name, Threads: t, Rate: Measure(jpegs, m, t)))))
            .ToList();
        var best = modes.ToDictionary(m => m.Name,
            m => threadCounts.Select(t => Rate.Best(measured.Where(r => r.Name == m.Name && r.Threads == t).Select(r => r.Rate))).ToArray());
        Print(modes, best);
        return 0;
    }

    /// <summary>Rates per mode (modes 0 and 1 are the baselines), then the ratios the targets are stated in.</summary>
    private static void Print(Mode[] modes, Dictionary<string, Rate[]> best)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"mode",-34} | img/s, 1 thread | img per CPU-s, 1 thread | img/s, 2 threads | img per CPU-s, 2 threads | 2-thread scaling |");
        Console.WriteLine($"|{new string('-', 36)}|----------------:|------------------------:|-----------------:|-------------------------:|-----------------:|");
        foreach (var mode in modes)
        {
            var r = best[mode.Name];
            Console.WriteLine($"| {mode.Name,-34} | {r[0].Wall,15:F0} | {r[0].Cpu,23:F0} | {r[1].Wall,16:F0} | {r[1].Cpu,24:F0} | {r[1].Wall / r[0].Wall,15:F2}x |");
        }
        Console.WriteLine();
        Console.WriteLine($"| {"ratio (img/s; per CPU-s in brackets)",-40} | 1 thread        | 2 threads       |");
        Console.WriteLine($"|{new string('-', 42)}|-----------------|-----------------|");
        foreach (var (mode, baseline) in new[] { (modes[2], modes[0]), (modes[3], modes[1]), (modes[2], modes[1]) })
        {
            var (r, b) = (best[mode.Name], best[baseline.Name]);
            Console.WriteLine($"| {mode.Name + " / " + baseline.Name.Replace(" (baseline)", ""),-40} | " +
                              $"{r[0].Wall / b[0].Wall,5:F2}x ({r[0].Cpu / b[0].Cpu:F2}x) | {r[1].Wall / b[1].Wall,5:F2}x ({r[1].Cpu / b[1].Cpu:F2}x) |");
        }
    }

    private static Func<Action<byte[]>> BareDecode(int? minSide) => () =>
    {
        var decoder = new BareJpegDecoder(); // one per thread, released with the process
        return jpeg => decoder.Decode(jpeg, minSide);
    };

    /// <summary>
    /// Images per second over the corpus on <paramref name="threads"/> threads: the second of two
    /// passes on the same threads, so the first warms up the JIT and any per-thread buffers.
    /// </summary>
    private static Rate Measure(byte[][] jpegs, Mode mode, int threads)
    {
        var next = -1;
        using var start = new Barrier(threads + 1);
        using var done = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var action = mode.PerThread();
            for (var pass = 0; pass < 2; pass++)
            {
                start.SignalAndWait();
                for (int i; (i = Interlocked.Increment(ref next)) < jpegs.Length;) action(jpegs[i]);
                done.SignalAndWait();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        var rate = default(Rate);
        for (var pass = 0; pass < 2; pass++)
        {
            next = -1;
            start.SignalAndWait();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            done.SignalAndWait();
            rate = new Rate(jpegs.Length / clock.Elapsed.TotalSeconds,
                            jpegs.Length / (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        workers.ForEach(w => w.Join());
        return rate;
    }

    /// <summary>The corpus on disk too, so other tools (the Python reference) can be timed on the same files.</summary>
    private static void WriteCorpus(IReadOnlyList<PhotoCorpus.Image> corpus, string dir)
    {
        for (var i = 0; i < corpus.Count; i++) File.WriteAllBytes(Path.Combine(dir, $"{i:D4}.jpg"), corpus[i].Jpeg);
    }
}
