using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MMForge.Formats.Containers;

namespace MMForge.Bench;

/// <summary>
/// Ingest + validate throughput and peak memory of the CLI (a child process) on LLaVA-shaped
/// input, against reading the file and against splitting + JsonDocument parsing on one core.
/// </summary>
public sealed class IngestBench : IBenchmark
{
    public string Name => "ingest";
    public string Usage => "ingest [--records N (default 200000)] [--dir DIR]: ingest+validate MB/s, CPU time and peak RSS";

    public int Run(BenchArgs args)
    {
        var records = args.Int("--records", 200_000);
        var dir = args.WorkDir(Name);

        // a pool of real (empty) image files so the image-missing rule does its stat() per record
        const int distinctImages = 5000;
        var images = Path.Combine(dir, "coco", "train2017");
        Directory.CreateDirectory(images);
        for (var i = 0; i < distinctImages; i++)
        {
            var f = Path.Combine(images, $"{i:D12}.jpg");
            if (!File.Exists(f)) File.WriteAllBytes(f, [0xFF, 0xD8, 0xFF, 0xD9]);
        }

        var cli = Path.Combine(AppContext.BaseDirectory, "MMForge.Cli.dll");
        Console.WriteLine($"mmforge ingest benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        foreach (var n in new[] { records, records * 2 })
        {
            var input = Path.Combine(dir, $"llava_shaped_{n}.json");
            var bytes = LlavaShapedGenerator.Write(input, n, "coco/train2017", distinctImages);
            var mb = bytes / 1e6;
            Console.WriteLine($"\ninput: {n:N0} records, {mb:F1} MB ({bytes / n:N0} bytes/record)");

            var read = Time(() => { using var s = File.OpenRead(input); s.CopyTo(Stream.Null, 1 << 20); });
            // best of two: the first pass also pays for compiling the parser, which the child process pays too but only once
            var parse = Enumerable.Range(0, 2).Select(_ => Time(() =>
            {
                using var s = File.OpenRead(input);
                foreach (var r in JsonArraySplitter.Split(s, input, 64 << 20)) using (JsonDocument.Parse(r.Json)) { }
            })).Min();
            Console.WriteLine($"  baseline read file:                  {mb / read.TotalSeconds,8:F1} MB/s");
            Console.WriteLine($"  baseline split + JsonDocument.Parse: {mb / parse.TotalSeconds,8:F1} MB/s (1 core)");

            foreach (var workers in new[] { 1, 2 })
            {
                var output = Path.Combine(dir, $"out_{n}_{workers}");
                var run = ChildRun.Start("dotnet", [cli, "ingest", input, "-o", output, "--workers", workers.ToString(CultureInfo.InvariantCulture)]);
                if (run.ExitCode != 0) { Console.Error.WriteLine(run.Output); return 1; }
                var rate = mb / run.Elapsed.TotalSeconds;
                Console.WriteLine($"  mmforge ingest+validate, {workers} worker(s): {rate,8:F1} MB/s wall in {run.Elapsed.TotalSeconds:F1}s, " +
                                  $"{mb / run.Cpu.TotalSeconds:F1} MB per CPU-second ({run.Cpu.TotalSeconds:F1} CPU-s), peak RSS {run.PeakRssBytes / 1e6:F0} MB, " +
                                  $"{rate / (mb / parse.TotalSeconds):F2}x the parse-only baseline");
                Directory.Delete(output, recursive: true);
            }
            File.Delete(input);
        }
        return 0;
    }

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
