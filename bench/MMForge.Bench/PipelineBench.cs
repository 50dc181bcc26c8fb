using System.Globalization;

namespace MMForge.Bench;

/// <summary>
/// The example recipe scaled up, end to end: <see cref="ScaledExample"/> data (generated once per
/// size and seed, then reused), the stages of examples/recipe.yaml over it
/// (<see cref="ScaledRecipe"/>), <c>mmforge run</c> in a child process from scratch, then the
/// same recipe again, where every stage is unchanged and skipped. Reports per stage the records,
/// seconds, records/s and peak memory that run.json and the manifests record.
/// </summary>
public sealed class PipelineBench : IBenchmark
{
    public string Name => "pipeline";

    public string Usage => "pipeline [--samples 100000] [--per-image 4] [--seed 1] [--workers N (the recipe's)] [--recipe examples/recipe.yaml] [--photos DIR] [--dir DIR]: "
                           + "the example recipe end to end on generated data: per-stage records/s and peak memory";

    public int Run(BenchArgs args)
    {
        var (options, recipe, runDir) = Prepare(args, "run");
        var cli = Path.Combine(AppContext.BaseDirectory, "MMForge.Cli.dll");
        var stageCpu = new ChildCpu();
        var first = ChildRun.Start("dotnet", [cli, "run", recipe, "-o", runDir], poll: stageCpu.Poll);
        Console.WriteLine(first.Output);
        if (first.ExitCode > 1) return Failed("the run", first);

        var stages = RunReport.Read(runDir);
        // every stage ran, each as one child process, in recipe order
        var cpu = stageCpu.InStartOrder;
        // the run's children are its stages in order, then the report
        if (cpu.Count == stages.Count + 1)
        {
            stages = [.. stages.Zip(cpu, (stage, time) => stage with { CpuSeconds = time.TotalSeconds })];
            Console.WriteLine($"report of the run: {cpu[^1].TotalSeconds:F1} CPU-s");
        }
        else Console.WriteLine($"(CPU time per stage not shown: {cpu.Count} child processes seen for {stages.Count} stages and the report)");
        Console.WriteLine(RunReport.Markdown(stages, first.Elapsed.TotalSeconds));
        Console.WriteLine($"\nwhole run: {first.Elapsed.TotalSeconds:F1} s wall, {options.Samples / first.Elapsed.TotalSeconds:N0} input samples/s; " +
                          $"stages {stages.Sum(s => s.Seconds):F1} s, the rest ({first.Elapsed.TotalSeconds - stages.Sum(s => s.Seconds):F1} s) is planning, fingerprints and the summary");
        var largest = stages.MaxBy(s => s.PeakMemoryBytes)!;
        Console.WriteLine($"largest peak: {largest.PeakMiB:F0} MiB ({largest.Name}), {largest.PeakMemoryBytes / (double)options.Samples:F0} bytes per input sample");

        var again = ChildRun.Start("dotnet", [cli, "run", recipe, "-o", runDir]);
        if (again.ExitCode > 1) return Failed("the rerun", again);
        var skipped = again.Output.Split('\n').Count(line => line.Contains(": unchanged, skipped", StringComparison.Ordinal));
        Console.WriteLine($"rerun of the unchanged recipe: {again.Elapsed.TotalSeconds:F1} s wall, {skipped} of {stages.Count} stages skipped, peak {again.PeakRssBytes / (1024.0 * 1024):F0} MiB");
        return skipped == stages.Count ? 0 : 1;
    }

    /// <summary>
    /// The scaled data (generated or reused) and the scaled recipe over it, with what the data holds
    /// printed; a fresh run directory named <paramref name="runName"/>. Shared with <see cref="ExecutorBench"/>.
    /// </summary>
    public static (ScaledExampleOptions Options, string Recipe, string RunDir) Prepare(BenchArgs args, string runName)
    {
        var options = new ScaledExampleOptions(args.Int("--samples", 100_000), args.Int("--per-image", 4), args.Int("--seed", 1));
        var workers = args.Optional("--workers") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : (int?)null;
        var template = args.Optional("--recipe") ?? Path.Combine(BenchArgs.Repository(), "examples", "recipe.yaml");
        var dir = args.WorkDir("pipeline");
        var name = $"{options.Samples}x{options.SamplesPerImage}-seed{options.Seed}";

        Console.WriteLine($"mmforge pipeline benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var data = Path.Combine(dir, "data-" + name);
        var example = ScaledExample.Open(data, args.Shared("--photos", "samples"), options);
        Console.WriteLine($"data: {data} (generated in {example.GenerationSeconds:F0} s; reused while its example.json matches)");
        Console.WriteLine($"  samples by source: {string.Join(", ", example.SamplesBySource.Select(s => $"{s.Key} {s.Value:N0}"))}");
        Console.WriteLine($"  {example.Images:N0} images ({example.ImageBytes / 1e6:F0} MB): {example.ChartImages:N0} PNG charts, {example.ExactCopyImages:N0} byte copies, {example.NearCopyImages:N0} re-encoded copies");
        Console.WriteLine($"  planted: {example.DuplicateConversations:N0} repeated conversations on the same image, {example.DuplicatesOnCopiedImages:N0} on a copy of the image; " +
                          $"broken: {string.Join(", ", example.BrokenByKind.Select(b => $"{b.Key} {b.Value}"))}");

        var recipe = Path.Combine(dir, $"recipe-{name}.yaml");
        ScaledRecipe.Write(template, recipe, data, example.Sources.Select(s => (Path.Combine(data, s.File), s.Format, s.Name)), workers, example.Options.Samples);
        var runDir = Path.Combine(dir, $"{runName}-{name}");
        if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        Console.WriteLine($"recipe: {recipe} (the stages of {template}), run: {runDir}");
        return (options, recipe, runDir);
    }

    public static int Failed(string what, ChildRun run)
    {
        Console.Error.WriteLine($"{what} failed (exit {run.ExitCode}):\n{run.Output}");
        return 1;
    }
}
