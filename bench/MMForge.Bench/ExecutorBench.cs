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
        var times = new List<(int Workers, double Seconds, double Cpu, IReadOnlyList<StageFigures> Stages)>();
        foreach (var n in new[] { 1, workers })
        {
            var dir = $"{runDir}-w{n}";
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            var run = ChildRun.Start("dotnet", [cli, "run", recipe, "-o", dir, "--executor", "local", "--workers", n.ToString()]);
            if (run.ExitCode > 1) return PipelineBench.Failed($"the run with {n} workers", run);
            var cpu = run.CpuWithChildren.TotalSeconds;
            times.Add((n, run.Elapsed.TotalSeconds, cpu, RunReport.Read(dir)));
            Console.WriteLine($"--workers {n}: {run.Elapsed.TotalSeconds:F1} s wall, {cpu:F1} CPU-s (every stage process), {cpu / run.Elapsed.TotalSeconds:F2} cores in use on average");
        }
        Console.WriteLine($"\n| stage | 1 worker (s) | {workers} workers (s) | speed-up |\n|---|---:|---:|---:|");
        foreach (var (one, many) in times[0].Stages.Zip(times[1].Stages))
            Console.WriteLine($"| {one.Name} | {one.Seconds:F1} | {many.Seconds:F1} | {one.Seconds / Math.Max(0.001, many.Seconds):F2}x |");
        Console.WriteLine($"| **whole run** | {times[0].Seconds:F1} | {times[1].Seconds:F1} | **{times[0].Seconds / times[1].Seconds:F2}x** |");
        // One worker's run already uses more than one core (each process's reader, writer, JIT and GC threads), and
        // N workers cannot use more than the cores there are: the most the N-worker run could gain on this machine.
        var (w1, wn) = (times[0], times[1]);
        var cores = Math.Min(workers, Environment.ProcessorCount);
        Console.WriteLine($"\nbound: {cores} cores fully used for the {workers}-worker run's {wn.Cpu:F1} CPU-s would take {wn.Cpu / cores:F1} s, "
                          + $"{w1.Seconds / (wn.Cpu / cores):F2}x of the 1-worker run ({w1.Cpu / w1.Seconds:F2} cores in use)");
        return 0;
    }
}
