using System.Diagnostics;
using System.Text.Json;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Scoring;
using MMForge.Scoring.Shards;

namespace MMForge.Bench;

/// <summary>
/// score's decide step over shard loss tables on disk: the streamed cut (<see cref="StreamedLossCut"/>,
/// one table at a time, six passes) against the baseline it replaced, every table read into one and
/// <see cref="LossCut"/> taken over it (what one process does). Time, and the managed memory held at
/// the peak (measured after a full collection while a table is loaded, in a second, untimed run);
/// the cuts must be equal.
/// </summary>
public sealed class ScoreDecideBench : IBenchmark
{
    public string Name => "score-decide";

    public string Usage => "score-decide [--samples 10000000] [--shards 16] [--sources 8] [--dir DIR]: score's decide step, streamed over shard tables against one table in memory";

    public int Run(BenchArgs args)
    {
        var samples = args.Int("--samples", 10_000_000);
        var shardCount = args.Int("--shards", 16);
        var sources = args.Int("--sources", 8);
        var dir = args.String("--dir", Path.Combine(Path.GetTempPath(), "mmforge-bench", "score-decide"));
        Directory.CreateDirectory(dir);
        var files = Enumerable.Range(0, shardCount).Select(s => Path.Combine(dir, $"losses-{s:D5}-of-{shardCount:D5}.bin")).ToList();
        Console.WriteLine($"mmforge score-decide benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"input: {samples:N0} samples in {shardCount} shard tables, {sources} sources, losses to 3 decimals (ties), 1% unscored");
        Write(files, samples, sources);

        foreach (var perSource in new[] { false, true })
        {
            // timed without the collections that measure memory, then run again to measure it
            var clock = Stopwatch.StartNew();
            var streamed = StreamedLossCut.Select(files.Select(file => (Func<LossTable>)(() => Read(file))).ToList(), 5m, perSource);
            var streamedTime = clock.Elapsed;
            long streamedPeak = 0;
            StreamedLossCut.Select(files.Select(file => (Func<LossTable>)(() =>
            {
                var table = Read(file);
                streamedPeak = Math.Max(streamedPeak, GC.GetTotalMemory(forceFullCollection: true));
                return table;
            })).ToList(), 5m, perSource);

            clock.Restart();
            var (one, onePeak) = OneTableCut(files, perSource);
            var oneTime = clock.Elapsed;

            if (Json(one) != Json(streamed)) return Fail("the streamed cut differs from the one-table cut");
            Console.WriteLine($"  {(perSource ? "per source" : "global")}: streamed {streamedTime.TotalSeconds:F1} s, peak {streamedPeak / 1e6:F0} MB; "
                + $"one table {oneTime.TotalSeconds:F1} s, peak {onePeak / 1e6:F0} MB; memory {(double)onePeak / streamedPeak:F1}x less, time {streamedTime / oneTime:F2}x");
        }
        return 0;
    }

    private static void Write(List<string> files, int samples, int sources)
    {
        var random = new Random(1);
        for (var s = 0; s < files.Count; s++)
        {
            if (File.Exists(files[s])) continue;
            var table = new LossTable();
            var count = samples / files.Count + (s < samples % files.Count ? 1 : 0);
            for (var i = 0; i < count; i++)
            {
                var ordinal = table.Add(new RecordLocation("part.jsonl", null, i, 1), $"source-{random.Next(sources)}");
                table.Set(ordinal, random.Next(100) == 0 ? ScoreOutcome.Unscored("score-model", "HTTP 500") : ScoreOutcome.Of(Math.Round(random.NextDouble() * 4, 3), 10));
            }
            using var writer = new BinaryWriter(File.Create(files[s]));
            table.Write(writer);
        }
    }

    private static LossTable Read(string file)
    {
        using var reader = new BinaryReader(File.OpenRead(file));
        return LossTable.Read(reader);
    }

    /// <summary>The cut over every shard's samples in one table, in shard order, as the decide step took it before; and the memory that table held.</summary>
    private static (IReadOnlyList<GroupCut> Groups, long Peak) OneTableCut(List<string> files, bool perSource)
    {
        var all = new LossTable();
        long ordinal = 0;
        foreach (var file in files)
        {
            var table = Read(file);
            for (var i = 0; i < table.Count; i++)
            {
                var at = all.Add(new RecordLocation(file, null, ordinal++, 1), table.Sources[table.SourceOf(i)]);
                var loss = table.LossOf(i);
                all.Set(at, float.IsNaN(loss) ? ScoreOutcome.Unscored("score-model", "HTTP 500") : ScoreOutcome.Of(loss, 1));
            }
        }
        var peak = GC.GetTotalMemory(forceFullCollection: true);
        return (new LossCut(all, 5m, perSource).Groups, peak);
    }

    private static string Json(IReadOnlyList<GroupCut> groups) => JsonSerializer.Serialize(groups, StateFileJson.Options);

    private static int Fail(string message)
    {
        Console.Error.WriteLine("score-decide: " + message);
        return 1;
    }
}
