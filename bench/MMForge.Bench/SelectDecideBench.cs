using System.Diagnostics;
using MMForge.Selection;
using MMForge.Selection.Streamed;

namespace MMForge.Bench;

/// <summary>
/// select's decide step over key shards on disk: the streamed decisions (<see cref="StreamedSelection"/>,
/// passes over the files one at a time) against the baseline they replaced, every key read into
/// one <see cref="SelectionKeys"/> and the one-process decisions taken on it. Time, and the managed
/// memory held at the peak (in a second, untimed run, a full collection every 100 ms from another
/// thread); the masks must be equal.
/// </summary>
public sealed class SelectDecideBench : IBenchmark
{
    private const int Inputs = 2;

    public string Name => "select-decide";

    public string Usage => "select-decide [--samples 5000000] [--shards 16] [--dir DIR]: select's decide step, streamed over key shards against every key in memory";

    /// <summary>Like the example recipe's selection: by type, half of each type kept by the cap, yes/no balance, three mixes (first:, random:, a budget of about half).</summary>
    private static SelectOptions OptionsFor(int samples) => new()
    {
        Seed = 7,
        Balance = new BalanceOptions { By = StratumKey.TypeL1, CapPerGroup = samples / 20, YesNoBalance = true },
        Mixes =
        [
            new MixSpec("stage-1", ImageTokenLimit.Unlimited, false, null, [new SourceSampling("source-1", Sampling.All, 1), new SourceSampling("source-2", Sampling.Parse("first:50%"), 2)]),
            new MixSpec("stage-2", ImageTokenLimit.Unlimited, false, null, [new SourceSampling(SourceSampling.Others, Sampling.All, 3)]),
            new MixSpec("stage-3", ImageTokenLimit.Unlimited, false, samples * 150L, [new SourceSampling("source-3", Sampling.All, 4), new SourceSampling("source-0", Sampling.Parse("random:50%"), 5)]),
        ],
    };

    public int Run(BenchArgs args)
    {
        var samples = args.Int("--samples", 5_000_000);
        var shardCount = args.Int("--shards", 16);
        var dir = args.String("--dir", Path.Combine(Path.GetTempPath(), "mmforge-bench", "select-decide"));
        Directory.CreateDirectory(dir);
        var files = Enumerable.Range(0, shardCount).Select(s => Path.Combine(dir, $"keys-{samples}-{s:D5}-of-{shardCount:D5}.bin")).ToList();
        Console.WriteLine($"mmforge select-decide benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"input: {samples:N0} samples in {shardCount} key shards of {Inputs} inputs, 8 sources, 10 types, 0-3 of 50 tags, 20% yes/no; "
            + "balanced by type, capped, yes/no balanced; 3 mixes (first:50%, random:50%, a token budget)");
        Write(files, samples);
        var options = OptionsFor(samples);

        var clock = Stopwatch.StartNew();
        var streamed = Streamed(options, files);
        var streamedTime = clock.Elapsed;
        var streamedPeak = PeakWhile(() => Streamed(options, files));

        clock.Restart();
        var one = OneProcess(options, files);
        var oneTime = clock.Elapsed;
        var onePeak = PeakWhile(() => OneProcess(options, files));

        if (!Same(one, streamed)) return Fail("the streamed decisions differ from the one-process decisions");
        Console.WriteLine($"  {string.Join(", ", streamed.Cuts.Select(c => $"{c.Spec.Name} {c.Records:N0} records"))}");
        Console.WriteLine($"  streamed {streamedTime.TotalSeconds:F1} s, peak {streamedPeak / 1e6:F0} MB; every key in memory {oneTime.TotalSeconds:F1} s, peak {onePeak / 1e6:F0} MB; "
            + $"memory {(double)onePeak / streamedPeak:F1}x less, time {streamedTime / oneTime:F2}x");
        return 0;
    }

    private static Decided Streamed(SelectOptions options, List<string> files) => new StreamedSelection(options, new KeyScan(files, Inputs, options.Mixes.Count)).Decide();

    private static Decided OneProcess(SelectOptions options, List<string> files)
    {
        var keys = new SelectionKeys(Inputs, options.Mixes.Count);
        foreach (var file in files)
            foreach (var run in SelectionKeyFile.Read(file, options.Mixes.Count, keys.Add)) keys.Count(run);
        return new SelectionJob(options).Decide(keys);
    }

    /// <summary>The most managed memory live at any of the full collections taken every 100 ms while <paramref name="work"/> runs.</summary>
    private static long PeakWhile(Func<Decided> work)
    {
        GC.Collect();
        long peak = 0;
        var done = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                Thread.Sleep(100);
            }
        });
        sampler.Start();
        work();
        Volatile.Write(ref done, true);
        sampler.Join();
        return peak;
    }

    private static void Write(List<string> files, int samples)
    {
        var random = new Random(1);
        var perInput = samples / Inputs;
        for (var s = 0; s < files.Count; s++)
        {
            var first = (long)samples * s / files.Count;
            var end = (long)samples * (s + 1) / files.Count;
            if (File.Exists(files[s])) continue;
            SelectionKeyFile.Write(files[s], "bench", add =>
            {
                var runs = new List<InputRun>();
                for (var n = first; n < end; n++)
                {
                    var (input, ordinal) = n < perInput ? (0, (int)n) : (1, (int)(n - perInput));
                    if (runs.Count == 0 || runs[^1].Input != input) runs.Add(new InputRun(input, ordinal, 0));
                    runs[^1] = runs[^1] with { Count = runs[^1].Count + 1 };
                    var answer = random.Next(10);
                    add(new KeyedRecord(input, ordinal, new SampleFacts($"source-{random.Next(8)}", $"type-{random.Next(10)}",
                        Enumerable.Range(0, random.Next(4)).Select(_ => $"tag-{random.Next(50)}").Distinct().ToList(),
                        answer == 0 ? 1 : 0, answer == 1 ? 1 : 0, (ulong)random.NextInt64(long.MinValue, long.MaxValue),
                        [729, 729 * random.Next(1, 4), 729 * random.Next(1, 11)], 0)));
                }
                return runs;
            });
        }
    }

    /// <summary>The same records and tokens in every mix, and the same mask bits.</summary>
    private static bool Same(Decided a, Decided b) => a.Cuts.Zip(b.Cuts).All(pair =>
        pair.First.Records == pair.Second.Records && pair.First.VisualTokens == pair.Second.VisualTokens
        && pair.First.Take.Zip(pair.Second.Take).All(masks => Bytes(masks.First).SequenceEqual(Bytes(masks.Second))));

    private static byte[] Bytes(System.Collections.BitArray bits)
    {
        var bytes = new byte[(bits.Length + 7) / 8];
        bits.CopyTo(bytes, 0);
        return bytes;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("select-decide: " + message);
        return 1;
    }
}
