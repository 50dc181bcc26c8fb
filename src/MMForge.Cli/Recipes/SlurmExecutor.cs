using System.Diagnostics;

namespace MMForge.Cli.Recipes;

/// <summary>
/// What the slurm executor asks of the cluster for every job: partition, time limit, CPUs per
/// task, memory per node, and for the jobs that decide over every shard's keys their own memory
/// (null: the cluster's default; the decide jobs: <see cref="Memory"/>).
/// </summary>
internal sealed partial record SlurmOptions(string? Partition, string? Time, int? Cpus, string? Memory = null, string? DecideMemory = null)
{
    /// <summary>sbatch's --mem: a whole number with an optional unit (K, M, G, T; megabytes without one).</summary>
    public string? Memory { get; } = Checked(Memory, "--memory");

    public string? DecideMemory { get; } = Checked(DecideMemory, "--decide-memory") ?? Checked(Memory, "--memory");

    /// <summary>The --mem of a step's jobs: the decide memory for a step that holds every key.</summary>
    public string? MemoryFor(ScaleOut.ScaleOutStep step) => step.HoldsEveryKey ? DecideMemory : Memory;

    private static string? Checked(string? memory, string option) => memory is null || MemorySyntax().IsMatch(memory) ? memory
        : throw new ArgumentException($"{option} '{memory}' is not Slurm's memory syntax (a whole number with K, M, G or T, e.g. 8G)");

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9]+[KMGT]?$")]
    private static partial System.Text.RegularExpressions.Regex MemorySyntax();
}

/// <summary>
/// Runs stages on Slurm: each step of a stage (<see cref="ScaleOut.ScaleOutStage.Steps"/>) becomes
/// a batch script under RUN/slurm/ and one job, or, for a step run per shard, job arrays of at
/// most the cluster's MaxArraySize tasks, each task its shard from SLURM_ARRAY_TASK_ID; every job
/// waits for the step before it with afterok (and is cancelled if that one fails). Then it polls squeue until
/// the jobs are gone; whether each stage succeeded is read from its output, not from Slurm.
/// Needs the run directory and the recipe's folder on storage every node sees.
/// </summary>
internal sealed class SlurmExecutor(string runDirectory, string workingDirectory, SlurmOptions options, TextWriter output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly List<string> _jobs = [];
    private string? _last;
    private int? _maxArraySize;

    /// <summary>Submits the stage's steps after the stages submitted before it, each step after the one before.</summary>
    public void Submit(PlannedStage stage)
    {
        foreach (var step in stage.ScaleOut.Steps)
        {
            var name = stage.Name + step.Suffix;
            if (!step.PerShard)
            {
                _last = Sbatch(Script(name, step.Args, shards: null), name, Log(name, array: false), array: null, after: _last, options.MemoryFor(step));
                continue;
            }
            var chunk = MaxArraySize();
            var arrays = new List<string>();
            for (var offset = 0; offset < stage.Shards; offset += chunk)
            {
                var tasks = Math.Min(chunk, stage.Shards - offset);
                arrays.Add(Sbatch(Script(name, step.Args, (offset, stage.Shards)), name, Log(name, array: true), $"0-{tasks - 1}", _last, options.MemoryFor(step), offset));
            }
            _last = string.Join(':', arrays);
        }
    }

    /// <summary>Waits until every submitted job has left the queue.</summary>
    public void Wait()
    {
        if (_jobs.Count == 0) return;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var queue = Run("squeue", ["-h", "-j", string.Join(',', _jobs), "-o", "%i %T"]);
            var left = queue.ExitCode == 0 ? queue.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : 0; // invalid ids: all gone
            if (left == 0) return;
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                output.WriteLine($"slurm: {left} job(s) queued or running after {clock.Elapsed.TotalSeconds:F0}s");
            }
            Thread.Sleep(Poll);
        }
    }

    private string Log(string stage, bool array) => Path.Combine(runDirectory, "logs", array ? $"{stage}.shard-%a.log" : $"{stage}.log");

    /// <summary>A batch script that runs one mmforge command line in the recipe's folder; a shard's index is the array task's plus its chunk's offset.</summary>
    private string Script(string name, IEnumerable<string> args, (int Offset, int Count)? shards)
    {
        var command = StageProcess.Command().Concat(args).Select(StageProcess.Quote);
        var shard = shards is { } s ? $" --shard \"$(({s.Offset} + SLURM_ARRAY_TASK_ID))/{s.Count}\"" : "";
        var path = Path.Combine(runDirectory, "slurm", name + ".sh");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // exit 1 is a stage that finished and rejected records: the stages after it go on (afterok needs 0)
        Formats.Writers.AtomicFile.WriteAllText(path, "#!/bin/bash\nset -uo pipefail\n"
            + $"cd {StageProcess.Quote(workingDirectory)} || exit 2\n{string.Join(' ', command)}{shard}\nstatus=$?\n"
            + "if [ \"$status\" -le 1 ]; then exit 0; fi\nexit \"$status\"\n");
        return path;
    }

    private string Sbatch(string script, string name, string log, string? array, string? after, string? memory, int offset = 0)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(log)!); // Slurm does not create it, and a job without its log fails at once
        List<string> args = ["--parsable", "--job-name=mmforge-" + name, "--output=" + log, "--kill-on-invalid-dep=yes"];
        if (array is not null) args.Add("--array=" + array);
        if (after is not null) args.Add("--dependency=afterok:" + after);
        if (options.Partition is { } partition) args.Add("--partition=" + partition);
        if (options.Time is { } time) args.Add("--time=" + time);
        if (options.Cpus is { } cpus) args.Add("--cpus-per-task=" + cpus);
        if (memory is not null) args.Add("--mem=" + memory);
        args.Add(script);
        var result = Run("sbatch", args);
        if (result.ExitCode != 0) Refused(name, result);
        var id = result.Output.Trim().Split(';')[0];
        _jobs.Add(id);
        output.WriteLine($"slurm: submitted {name} as job {id}" + (array is null ? "" : $" (array {array}, shards from {offset})"));
        return id;
    }

    /// <summary>
    /// sbatch refused a job (an unknown partition, more memory than any node has, the controller
    /// down): the jobs this run submitted before it are cancelled, so no half of the plan runs, and
    /// the run stops with Slurm's reason.
    /// </summary>
    private void Refused(string name, (int ExitCode, string Output, string Error) result)
    {
        if (_jobs.Count > 0) Run("scancel", _jobs);
        var cancelled = _jobs.Count > 0 ? $"; the {_jobs.Count} job(s) this run had submitted are cancelled" : "";
        throw new ArgumentException($"sbatch refused {name} (exit {result.ExitCode}): {result.Error.Trim()}{cancelled}; check --partition, --time, --cpus and --memory");
    }

    /// <summary>The cluster's MaxArraySize (largest array index + 1); Slurm's default 1001 when it does not say.</summary>
    private int MaxArraySize()
    {
        if (_maxArraySize is { } known) return known;
        var config = Run("scontrol", ["show", "config"]);
        var line = config.Output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("MaxArraySize", StringComparison.Ordinal));
        _maxArraySize = line is not null && int.TryParse(line.Split('=').Last().Trim(), out var size) && size > 0 ? size : 1001;
        return _maxArraySize.Value;
    }

    private static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
