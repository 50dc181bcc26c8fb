using System.Globalization;
using MMForge.Recipes;

namespace MMForge.Bench;

/// <summary>
/// The export stages of a finished recipe run (by default the pipeline benchmark's 100k run),
/// each run again as a child process with 1 and with 2 workers, alternating, on the same
/// selection: median wall time, CPU time and CPU time per thread role (<see cref="ThreadCpu"/>),
/// and whether the two exports are byte-identical. The command line of each stage is the one its
/// log recorded, with the output folder and the worker count replaced.
/// </summary>
public sealed class ExportBench : IBenchmark
{
    public string Name => "export";

    public string Usage => "export [--run DIR (default: the pipeline benchmark's run-100000x4-seed1)] [--repeat 3] [--cli MMForge.Cli.dll (default: the one built with this)] [--dir DIR]: "
                           + "each export stage of the run with 1 and 2 workers: wall, CPU-s and CPU-s per thread (writer, reader, workers), medians";

    private static readonly int[] WorkerCounts = [1, 2];

    public int Run(BenchArgs args)
    {
        var runDir = args.Optional("--run") ?? Path.Combine(args.WorkDir("pipeline"), "run-100000x4-seed1");
        var repeat = args.Int("--repeat", 3);
        var outDir = args.WorkDir(Name);
        // another build (of an earlier commit) to compare with
        var cli = args.Optional("--cli") ?? Path.Combine(AppContext.BaseDirectory, "MMForge.Cli.dll");
        var stages = RunFile.Load(runDir).Stages.Where(s => s.Command == "export").ToList();
        if (stages.Count == 0)
        {
            Console.Error.WriteLine($"{runDir}/{RunFile.FileName} has no export stage; run the pipeline benchmark first");
            return 1;
        }
        Console.WriteLine($"mmforge export benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}; run {runDir}, {repeat} runs each, alternating 1 and 2 workers");
        Console.WriteLine("| stage | workers | wall s | CPU-s | writer CPU-s | reader CPU-s | workers CPU-s | runtime CPU-s | load before | 2 workers vs 1 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var identical = true;
        foreach (var stage in stages)
        {
            var logged = LoggedArgs(Path.Combine(runDir, "logs", stage.Name + ".log"));
            var runs = WorkerCounts.ToDictionary(w => w, _ => new List<Measured>());
            for (var i = 0; i < repeat; i++)
                foreach (var workers in WorkerCounts)
                {
                    var output = Path.Combine(outDir, $"{stage.Name}-w{workers}");
                    // not timed: an export replacing an earlier one deletes it on its writing thread
                    if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
                    var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                    var threads = new ThreadCpu();
                    var run = ChildRun.Start("dotnet", [cli, .. WithOutputAndWorkers(logged, output, workers)], poll: threads.Poll);
                    if (run.ExitCode > 1) return PipelineBench.Failed(stage.Name, run);
                    runs[workers].Add(new Measured(run.Elapsed.TotalSeconds, run.Cpu.TotalSeconds, threads.ByRole(), load));
                }
            var baseline = Median(runs[1], r => r.Wall);
            foreach (var (workers, measured) in runs)
            {
                string Role(string role) => Median(measured, r => r.Threads.GetValueOrDefault(role)).ToString("F1", CultureInfo.InvariantCulture);
                var wall = Median(measured, r => r.Wall);
                Console.WriteLine($"| {stage.Name} | {workers} | {wall:F1} | {Median(measured, r => r.Cpu):F1} | {Role(ThreadCpu.Writer)} | {Role(ThreadCpu.Reader)} | {Role(ThreadCpu.Workers)} | {Role(ThreadCpu.Runtime)} | " +
                                  $"{string.Join(" ", measured.Select(r => r.LoadBefore))} | {(workers == 1 ? "" : $"{baseline / wall:F2}x")} |");
            }
            var exports = WorkerCounts.Select(w => Path.Combine(outDir, $"{stage.Name}-w{w}")).ToList();
            var same = SameFiles(exports[0], exports[1]);
            if (!same) Console.WriteLine($"{stage.Name}: the exports with 1 and 2 workers DIFFER");
            identical &= same;
            exports.ForEach(e => Directory.Delete(e, recursive: true)); // gigabytes of images each
        }
        Console.WriteLine(identical ? "every export is byte-identical with 1 and 2 workers" : "some exports differ between 1 and 2 workers");
        return identical ? 0 : 1;
    }

    private sealed record Measured(double Wall, double Cpu, IReadOnlyDictionary<string, double> Threads, string LoadBefore);

    private static double Median<T>(IEnumerable<T> items, Func<T, double> value)
    {
        var sorted = items.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The arguments of the command line a stage's log starts with (<c>mmforge export ...</c>, shell-quoted by the recipe runner).</summary>
    private static List<string> LoggedArgs(string log)
    {
        var line = File.ReadLines(log).First();
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false, inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ' ' && !quoted)
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\'') quoted = !quoted;
            else if (c == '\\' && !quoted && i + 1 < line.Length) word.Append(line[++i]);
            else word.Append(c);
        }
        if (inWord) words.Add(word.ToString());
        return words[0] == "mmforge" ? words[1..] : throw new FormatException($"{log} does not start with an mmforge command line");
    }

    private static List<string> WithOutputAndWorkers(List<string> args, string output, int workers)
    {
        var replaced = new List<string>(args);
        foreach (var (option, value) in new[] { ("-o", output), ("--workers", workers.ToString(CultureInfo.InvariantCulture)) })
        {
            var at = replaced.IndexOf(option);
            if (at < 0) replaced.AddRange([option, value]);
            else replaced[at + 1] = value;
        }
        return replaced;
    }

    /// <summary>True when both folders hold the same files with the same bytes (export.json names its inputs, not its output folder, so it compares too).</summary>
    private static bool SameFiles(string a, string b)
    {
        static List<string> Files(string dir) =>
            Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToList();
        var names = Files(a);
        return names.SequenceEqual(Files(b)) && names.All(n => FilesEqual(Path.Combine(a, n), Path.Combine(b, n)));
    }

    private static bool FilesEqual(string a, string b)
    {
        using var x = File.OpenRead(a);
        using var y = File.OpenRead(b);
        if (x.Length != y.Length) return false;
        var (bx, by) = (new byte[1 << 16], new byte[1 << 16]);
        int n;
        while ((n = x.ReadAtLeast(bx, bx.Length, throwOnEndOfStream: false)) > 0)
            if (y.ReadAtLeast(by, n, throwOnEndOfStream: false) != n || !bx.AsSpan(0, n).SequenceEqual(by.AsSpan(0, n))) return false;
        return true;
    }
}
