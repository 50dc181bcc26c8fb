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
    public string Usage => "hash [--images N (default 240)] [--samples DIR (default ../shared/samples)] [--dir DIR]: pHash images/s against bare JPEG decodes, 1 and 2 threads";

    private sealed record Mode(string Name, Func<Action<byte[]>> PerThread);

    public int Run(BenchArgs args)
    {
        var samples = args.String("--samples", DefaultSamples());
        var corpus = PhotoCorpus.Generate(samples, args.Int("--images", 240));
        WriteCorpus(corpus, args.WorkDir(Name));
        var megapixels = corpus.Select(i => i.Width * (double)i.Height / 1e6).ToList();
        Console.WriteLine($"mmforge hash benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"corpus: {corpus.Count} JPEGs (quality {PhotoCorpus.Quality}, 4:2:0) from the photos under {samples}: " +
                          $"{megapixels.Min():F2}–{megapixels.Max():F2} MP, mean {megapixels.Average():F2} MP, " +
                          $"mean {corpus.Average(i => i.Jpeg.Length) / 1024:F0} KB; written to {args.WorkDir(Name)}");

        var limits = DecodeLimits.Default;
        Mode[] modes =
        [
            new("bare full decode (baseline)", BareDecode(null)),
            new("bare DCT-scaled decode (baseline)", BareDecode(ImageFileHasher.FastMinSide)),
            new("exact pHash", () => jpeg => ImageFileHasher.Phash(jpeg, limits, fast: false)),
            new("fast pHash", () => jpeg => ImageFileHasher.Phash(jpeg, limits, fast: true)),
        ];
        var jpegs = corpus.Select(i => i.Jpeg).ToArray();
        var rates = modes.ToDictionary(m => m.Name, m => new[] { 1, 2 }.Select(t => Rate(jpegs, m, t)).ToArray());

        Console.WriteLine();
        Console.WriteLine($"| {"mode",-34} | img/s 1 thread | img/s 2 threads | 2-thread scaling | vs bare full decode | vs bare scaled decode |");
        Console.WriteLine($"|{new string('-', 36)}|---------------:|----------------:|-----------------:|--------------------:|----------------------:|");
        var full = rates[modes[0].Name];
        var scaled = rates[modes[1].Name];
        foreach (var mode in modes)
        {
            var r = rates[mode.Name];
            Console.WriteLine($"| {mode.Name,-34} | {r[0],14:F0} | {r[1],15:F0} | {r[1] / r[0],15:F2}x | " +
                              $"{Ratio(r, full),19} | {Ratio(r, scaled),21} |");
        }
        return 0;
    }

    private static string Ratio(double[] rate, double[] baseline) => $"{rate[0] / baseline[0]:F2}x / {rate[1] / baseline[1]:F2}x";

    private static Func<Action<byte[]>> BareDecode(int? minSide) => () =>
    {
        var decoder = new BareJpegDecoder(); // one per thread, released with the process
        return jpeg => decoder.Decode(jpeg, minSide);
    };

    /// <summary>
    /// Images per second over the corpus on <paramref name="threads"/> threads: the second of two
    /// passes on the same threads, so the first warms up the JIT and any per-thread buffers.
    /// </summary>
    private static double Rate(byte[][] jpegs, Mode mode, int threads)
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
        var seconds = 0.0;
        for (var pass = 0; pass < 2; pass++)
        {
            next = -1;
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            done.SignalAndWait();
            seconds = clock.Elapsed.TotalSeconds;
        }
        workers.ForEach(w => w.Join());
        return jpegs.Length / seconds;
    }

    /// <summary>The corpus on disk too, so other tools (the Python reference) can be timed on the same files.</summary>
    private static void WriteCorpus(IReadOnlyList<PhotoCorpus.Image> corpus, string dir)
    {
        for (var i = 0; i < corpus.Count; i++) File.WriteAllBytes(Path.Combine(dir, $"{i:D4}.jpg"), corpus[i].Jpeg);
    }

    /// <summary>The shared samples beside the repository this benchmark was built in.</summary>
    private static string DefaultSamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "mmforge.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "samples"));
        throw new InvalidOperationException("pass --samples DIR: no mmforge.slnx above " + AppContext.BaseDirectory);
    }
}
