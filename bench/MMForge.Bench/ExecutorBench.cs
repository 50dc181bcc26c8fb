namespace MMForge.Bench;

/// <summary>
/// The local executor's speed-up on the scaled example: the whole recipe from scratch with
/// <c>mmforge run --workers 1</c> (every stage one process, one thread, one after another) and with
/// <c>--workers 2</c> (hash as two shard processes, the other stages with two threads, independent
/// stages side by side), in the same run, so the ratio is measured on the same machine state. Per
/// stage and whole-run wall times; stages that ran side by side overlap, so their times add up to
/// more than the run's.
/// </summary>
public sealed class ExecutorBench : IBenchmark
{
    public string Name => "executor";

    public string Usage => "executor [--samples 100000] [--per-image 4] [--seed 1] [--workers 2] [--photos DIR] [--dir DIR]: "
                           + "the example recipe on generated data with the local executor at 1 worker and at N, and the speed-up";

    public int Run(BenchArgs args)
    {
        var workers = args.Int("--workers", 2);
        var (_, recipe, runDir) = PipelineBench.Prepare(args, "executor");
        var cli = Path.Combine(AppContext.BaseDirectory, "MMForge.Cli.dll");
        var times = new List<(int Workers, double Seconds, IReadOnlyList<StageFigures> Stages)>();
        foreach (var n in new[] { 1, workers })
        {
            var dir = $"{runDir}-w{n}";
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            var run = ChildRun.Start("dotnet", [cli, "run", recipe, "-o", dir, "--executor", "local", "--workers", n.ToString()]);
            if (run.ExitCode > 1) return PipelineBench.Failed($"the run with {n} workers", run);
            times.Add((n, run.Elapsed.TotalSeconds, RunReport.Read(dir)));
            Console.WriteLine($"--workers {n}: {run.Elapsed.TotalSeconds:F1} s wall");
        }
        Console.WriteLine($"\n| stage | 1 worker (s) | {workers} workers (s) | speed-up |\n|---|---:|---:|---:|");
        foreach (var (one, many) in times[0].Stages.Zip(times[1].Stages))
            Console.WriteLine($"| {one.Name} | {one.Seconds:F1} | {many.Seconds:F1} | {one.Seconds / Math.Max(0.001, many.Seconds):F2}x |");
        Console.WriteLine($"| **whole run** | {times[0].Seconds:F1} | {times[1].Seconds:F1} | **{times[0].Seconds / times[1].Seconds:F2}x** |");
        return 0;
    }
}
