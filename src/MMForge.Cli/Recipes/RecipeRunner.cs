using MMForge.Formats.Writers;
using MMForge.Recipes;

namespace MMForge.Cli.Recipes;

/// <summary>What <c>mmforge run</c> was asked to do besides running the recipe.</summary>
/// <param name="Processes">Local executor: stage processes at once (<see cref="LocalScheduler"/>), and the report's threads; 1 on a cluster, where --workers counts tasks on other nodes.</param>
internal sealed record RunRequest(string? From, string? Until, bool DryRun, SlurmOptions? Slurm = null, ScaleOut.Kubernetes.KubernetesOptions? Kubernetes = null, int Processes = 1);

/// <summary>Why a stage runs or not, as the run prints it.</summary>
internal enum StageDecision { Unchanged, New, Changed, OutputMissing, Forced, AfterUntil }

/// <summary>
/// Runs a planned recipe: each stage whose fingerprint matches its record in run.json and whose
/// output is complete is skipped; the others run as child processes, each once the stages it
/// reads have finished (<see cref="LocalScheduler"/>), or are submitted to Slurm or written as
/// Kubernetes Jobs; run.json is rewritten after every stage so a crash keeps what finished. After a
/// stage fails no other starts.
/// </summary>
internal sealed class RecipeRunner(Recipe recipe, string runDirectory, IReadOnlyList<PlannedStage> plan, TextWriter output)
{
    /// <summary>The report's process, once started: on this machine beside the exports, else after the last stage.</summary>
    private Task<StageResult>? _report;

    /// <summary>Whether processes run side by side here (local, more than one at once): their progress then comes as plain lines, each led by its log's name.</summary>
    private bool _sideBySide;

    public int Run(RunRequest request)
    {
        var until = IndexOf(request.Until, "--until") ?? plan.Count - 1;
        var from = IndexOf(request.From, "--from");
        var previous = RunFile.IsRun(runDirectory) ? RunFile.Load(runDirectory) : new RunFile();
        var records = previous.Stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var decisions = plan.Select((stage, i) => Decide(stage, i, records.GetValueOrDefault(stage.Name), from, until)).ToList();
        if (from is { } first)
            foreach (var stage in plan.Take(first).Where(s => !records.ContainsKey(s.Name) || !s.OutputComplete))
                throw new ArgumentException($"--from {request.From}: the earlier stage '{stage.Name}' has not run; run without --from first");
        if (request.DryRun) return PrintPlan(decisions);

        Directory.CreateDirectory(runDirectory);
        using var runLock = LockRun();
        var summary = new RunSummaryTable(runDirectory);
        var slurm = request.Slurm is { } slurmOptions ? new SlurmExecutor(runDirectory, recipe.Directory, slurmOptions, output) : null;
        var toRun = new List<PlannedStage>();
        for (var i = 0; i < plan.Count; i++)
        {
            var stage = plan[i];
            if (decisions[i] is StageDecision.AfterUntil) { summary.Add(stage, "not run (--until)", null); continue; }
            if (decisions[i] is StageDecision.Unchanged)
            {
                output.WriteLine($"[{stage.Number}/{plan.Count}] {stage.Name}: unchanged, skipped");
                summary.Add(stage, "skipped", records[stage.Name]);
                continue;
            }
            toRun.Add(stage);
        }
        var verb = request.Kubernetes is not null ? "to run on Kubernetes" : slurm is not null ? "submitting" : "running";
        void Starting(PlannedStage stage) => Prepare(stage, $"{verb} ({Describe(decisions[stage.Number - 1])}{InShards(stage)})");
        if (request.Kubernetes is not null || slurm is not null)
        {
            foreach (var stage in toRun)
            {
                Starting(stage);
                slurm?.Submit(stage); // Kubernetes manifests are written once the whole plan is known
            }
            if (request.Kubernetes is { } kubernetes) return WriteKubernetes(toRun, kubernetes);
            slurm!.Wait();
            // Slurm ran them; whether each stage succeeded is what it left on shared storage
            foreach (var stage in toRun)
                if (!Finished(stage, new StageResult(stage.OutputComplete ? Program.Ok : Program.Rejected, TimeSpan.Zero, 0), records, summary)) return Program.Rejected;
        }
        else if (RunHere(toRun, request.Processes, Starting, records, summary) is { } failure)
        {
            if (_report is not null) PrintReport(_report.Result);
            return failure;
        }
        var reportFile = Path.Combine(runDirectory, Reports.ReportBuilder.HtmlFile);
        if (decisions.All(d => d is StageDecision.Unchanged or StageDecision.AfterUntil) && File.Exists(reportFile))
            output.WriteLine($"report: unchanged, {reportFile}");
        else PrintReport((_report ?? StartReport(request.Processes)).Result);
        summary.Print(output);
        // the outputs decide, not what ran this time: a rerun that skips everything reports the rejects it keeps
        return plan.Take(until + 1).Any(s => s.Shape.Output == StageOutputKind.Dataset && Terminal.RunSummary.ExitCode(Pipeline.Manifest.Load(s.Output)) != 0)
            ? Program.Rejected : Program.Ok;
    }

    /// <summary>
    /// The stages that must run as Kubernetes Indexed Jobs under RUN/k8s/ with apply.sh, which applies
    /// them in order; nothing runs here and nothing is recorded: a later 'mmforge run' on the same
    /// storage sees the finished outputs (shards skip themselves) and records them.
    /// </summary>
    private int WriteKubernetes(IReadOnlyList<PlannedStage> stages, ScaleOut.Kubernetes.KubernetesOptions options)
    {
        var folder = Path.Combine(runDirectory, "k8s");
        var jobs = ScaleOut.Kubernetes.KubernetesManifests.Write(stages.Select(s => s.ScaleOut).ToList(), options, folder);
        output.WriteLine($"k8s: {jobs.Count} Job manifest(s) for {stages.Count} stage(s) in {folder}; apply them in order with {Path.Combine(folder, "apply.sh")}");
        return Program.Ok;
    }

    /// <summary>
    /// Runs the stages on this machine (<see cref="LocalScheduler"/>). The report reads only the
    /// stages that make data, so it starts as soon as they have all finished, beside the exports
    /// (<see cref="_report"/>), one process more than the scheduler's. Returns the exit code of
    /// the run when a stage failed, else null.
    /// </summary>
    private int? RunHere(List<PlannedStage> toRun, int processes, Action<PlannedStage> starting, Dictionary<string, RunStage> records, RunSummaryTable summary)
    {
        if (toRun.Count == 0) return null; // nothing ran: the report may be unchanged
        _sideBySide = processes > 1;
        var unfinished = toRun.ToHashSet();
        void StartReportWhenDataIsDone()
        {
            if (_report is null && unfinished.All(s => s.Shape.Output == StageOutputKind.Files)) StartReport(processes);
        }
        int? failure = null;
        bool Accept(PlannedStage stage, StageResult result)
        {
            if (!Finished(stage, result, records, summary))
            {
                failure ??= result.ExitCode == Program.Usage ? Program.Usage : Program.Rejected;
                return false;
            }
            unfinished.Remove(stage);
            StartReportWhenDataIsDone();
            return true;
        }
        StageResult Run(PlannedStage stage) => stage.Shards > 1 ? RunSharded(stage) : RunLogged(stage.Args, stage.Name);

        StartReportWhenDataIsDone();
        return new LocalScheduler(processes).Run(toRun, starting, Run, Accept) ? null : failure ?? Program.Rejected;
    }

    /// <summary>Says the stage starts, with its command line, and writes the files it reads that the run makes: its parameter files, its folder when its product is a file in it.</summary>
    private void Prepare(PlannedStage stage, string what)
    {
        output.WriteLine($"[{stage.Number}/{plan.Count}] {stage.Name}: {what}: mmforge {string.Join(' ', stage.Args.Select(StageProcess.Quote))}");
        foreach (var (path, content) in stage.ParamFiles)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, content);
        }
        if (stage.Shape.ProductFile is not null) Directory.CreateDirectory(stage.Output);
        if (stage.Shards > 1) ForgetShardsOfOtherRuns(stage);
    }

    /// <summary>Records a stage that ran and completed its output, or says it failed (false: the run stops).</summary>
    private bool Finished(PlannedStage stage, StageResult result, Dictionary<string, RunStage> records, RunSummaryTable summary)
    {
        if (result.ExitCode > Program.Rejected || !stage.OutputComplete)
        {
            records.Remove(stage.Name);
            Save(records);
            output.WriteLine($"[{stage.Number}/{plan.Count}] {stage.Name}: FAILED (exit {result.ExitCode}); its output is in {LogFile(stage)}; no stage starts after it");
            return false;
        }
        records[stage.Name] = new RunStage
        {
            Name = stage.Name, Command = stage.Shape.Command, Kind = stage.Shape.Output,
            Output = Path.GetRelativePath(runDirectory, stage.Output), Inputs = stage.Inputs.Select(s => s.Name).ToList(),
            Fingerprint = stage.Fingerprint, Seconds = Math.Round(result.Elapsed.TotalSeconds, 3), PeakMemoryBytes = result.PeakMemoryBytes,
        };
        Save(records);
        summary.Add(stage, "ran", records[stage.Name]);
        output.WriteLine($"[{stage.Number}/{plan.Count}] {stage.Name}: {summary.Counts(stage)} in {result.Elapsed.TotalSeconds:F1}s");
        return true;
    }

    /// <summary>
    /// The stage's steps in order, a step run per shard as <see cref="PlannedStage.Shards"/>
    /// processes at once, each its shard of the input. A shard that fails leaves the others
    /// complete, and the steps after it do not run: the next run skips the finished shards.
    /// </summary>
    private StageResult RunSharded(PlannedStage stage)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        StageResult? last = null;
        long peak = 0;
        foreach (var step in stage.ScaleOut.Steps)
        {
            var name = stage.Name + step.Suffix;
            var tasks = step.PerShard
                ? Enumerable.Range(0, stage.Shards).Select(i => Task.Run(() => RunLogged([.. step.Args, "--shard", $"{i}/{stage.Shards}"], $"{name}.shard-{i}"))).ToArray()
                : [Task.Run(() => RunLogged(step.Args, name))];
            Task.WaitAll(tasks);
            peak = Math.Max(peak, tasks.Max(t => t.Result.PeakMemoryBytes));
            if (tasks.Select(t => t.Result).FirstOrDefault(r => r.ExitCode > Program.Rejected) is { } failed) return failed with { Elapsed = clock.Elapsed };
            last = tasks[0].Result;
        }
        return last! with { Elapsed = clock.Elapsed, PeakMemoryBytes = peak };
    }

    /// <summary>
    /// A shard skips itself when it finds its output complete with the same parameters, but a
    /// changed input (an earlier stage ran again) does not change its parameters: so the shards and
    /// keys a stage folder holds are kept only for a relaunch of the same stage (same fingerprint,
    /// written beside them) and removed otherwise.
    /// </summary>
    private static void ForgetShardsOfOtherRuns(PlannedStage stage)
    {
        var mark = Path.Combine(stage.Output, Pipeline.ShardSpec.FingerprintFile);
        if (File.Exists(mark) && File.ReadAllText(mark) == stage.Fingerprint) return;
        var shardFolders = Pipeline.ShardFolders.OfStage(stage.Output);
        // the datasets the last merge made list files in those shards: each stops being a complete output before they go (its
        // manifest, a selection's mixes.json, written last, goes first), so nothing reads one with its files half deleted
        if (shardFolders.Count > 0) File.Delete(Path.Combine(stage.Output, Selection.MixDirectory.FileName));
        foreach (var folder in shardFolders) File.Delete(Path.Combine(Path.GetDirectoryName(folder)!, Pipeline.Manifest.FileName));
        foreach (var folder in shardFolders.Append(Path.Combine(stage.Output, Pipeline.ShardSpec.KeysFolder)))
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        AtomicFile.WriteAllText(mark, stage.Fingerprint);
    }

    /// <summary>report.html and report.json of the run as it now stands, rewritten whenever a stage ran (it reads every stage, so it cannot be stale).</summary>
    private Task<StageResult> StartReport(int workers) => _report = Task.Factory.StartNew(
        () => RunLogged(["report", runDirectory, "--workers", workers.ToString()], "report"),
        TaskCreationOptions.LongRunning);

    /// <summary>
    /// A child mmforge whose output goes to <c>logs/NAME.log</c>. Beside other processes its
    /// progress comes as plain lines led by NAME, not a live line that the others would draw over.
    /// </summary>
    private StageResult RunLogged(IReadOnlyList<string> args, string name) =>
        StageProcess.Run(args, recipe.Directory, LogFile(name), _sideBySide ? name : null);

    private void PrintReport(StageResult result)
    {
        output.WriteLine(result.ExitCode <= Program.Rejected
            ? $"report: {Path.Combine(runDirectory, Reports.ReportBuilder.HtmlFile)} ({result.Elapsed.TotalSeconds:F1}s)"
            : $"report: FAILED (exit {result.ExitCode}); see {LogFile("report")}");
    }

    /// <summary>Holds the run directory for this process: two runs writing the same stages would corrupt each other.</summary>
    private FileStream LockRun()
    {
        try
        {
            // FileShare.None takes an advisory lock (flock) on Linux, released when the process ends, even by a kill
            return new FileStream(Path.Combine(runDirectory, "run.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ArgumentException($"another mmforge run is using {runDirectory}; wait for it to finish");
        }
    }

    private int? IndexOf(string? name, string option)
    {
        if (name is null) return null;
        var index = plan.ToList().FindIndex(s => s.Name == name);
        return index >= 0 ? index : throw new ArgumentException($"{option} {name}: the recipe has no stage of that name; stages: {string.Join(", ", plan.Select(s => s.Name))}");
    }

    private StageDecision Decide(PlannedStage stage, int index, RunStage? record, int? from, int until)
    {
        if (index > until) return StageDecision.AfterUntil;
        if (index >= from) return StageDecision.Forced;
        if (record is null) return StageDecision.New;
        if (record.Fingerprint != stage.Fingerprint) return StageDecision.Changed;
        return stage.OutputComplete ? StageDecision.Unchanged : StageDecision.OutputMissing;
    }

    private static string Describe(StageDecision decision) => decision switch
    {
        StageDecision.New => "first run",
        StageDecision.Changed => "parameters or input changed",
        StageDecision.OutputMissing => "output missing",
        StageDecision.Forced => "--from",
        _ => decision.ToString(),
    };

    private int PrintPlan(IReadOnlyList<StageDecision> decisions)
    {
        output.WriteLine($"dry run of {recipe.File} into {runDirectory}: nothing is written");
        foreach (var (stage, decision) in plan.Zip(decisions))
        {
            var what = decision switch
            {
                StageDecision.Unchanged => "skip (unchanged)",
                StageDecision.AfterUntil => "not run (--until)",
                _ => "run (" + Describe(decision) + InShards(stage) + ")",
            };
            output.WriteLine($"[{stage.Number}/{plan.Count}] {stage.Name}: {what}");
            output.WriteLine($"    mmforge {string.Join(' ', stage.Args.Select(StageProcess.Quote))}");
        }
        return Program.Ok;
    }

    private static string InShards(PlannedStage stage) => stage.Shards > 1 ? $", as {stage.Shards} shards" : "";

    private string LogFile(PlannedStage stage) => LogFile(stage.Name);

    /// <summary>Where <see cref="RunLogged"/> writes the child named <paramref name="name"/> (a stage, a shard step, the report).</summary>
    private string LogFile(string name) => Path.Combine(runDirectory, "logs", name + ".log");

    /// <summary>run.json with the recorded stages in recipe order (stages no longer in the recipe are forgotten).</summary>
    private void Save(Dictionary<string, RunStage> records) => new RunFile
    {
        Recipe = Path.GetFullPath(recipe.File),
        Stages = plan.Where(s => records.ContainsKey(s.Name)).Select(s => records[s.Name]).ToList(),
    }.Save(runDirectory);
}
