using System.Globalization;
using MMForge.Formats.Writers;

namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// Writes a planned run as Kubernetes Indexed Jobs: one YAML file per Job, numbered in the order
/// they must run (each stage's <see cref="ScaleOutStage.Steps"/>: its shard Job, a global stage's key and
/// decide Jobs before it, the merge Job after it), and <c>apply.sh</c>, which applies
/// them one after the other. Same stages and options, byte-identical files.
/// </summary>
public static class KubernetesManifests
{
    public const string ApplyScriptFile = "apply.sh";

    /// <summary>
    /// The argument each shard task gets after --shard. The Job controller puts JOB_COMPLETION_INDEX
    /// in every pod's environment ("the control plane automatically sets the downward API to expose
    /// the index in the JOB_COMPLETION_INDEX environment variable",
    /// https://kubernetes.io/docs/tasks/job/indexed-parallel-processing-static/), and the kubelet
    /// expands $(VAR) in command and args from the container's environment ("Variable references
    /// $(VAR_NAME) are expanded using the container's environment", Container.args in
    /// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#entrypoint,
    /// and https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/),
    /// so the index reaches mmforge without a shell.
    /// </summary>
    public static string ShardValue(int shards) => "$(JOB_COMPLETION_INDEX)/" + shards.ToString(CultureInfo.InvariantCulture);

    // Pods of an Indexed Job are named and host-named JOB-INDEX (JobSpec.completionMode); an index has
    // at most 6 digits (completions <= 10^5 for Indexed Jobs), so a Job name of 56 keeps that a 63-character label.
    private const int MaxJobName = KubernetesNames.MaxLabel - 7, MaxRunPart = 24;

    public static IReadOnlyList<KubernetesJob> Write(IReadOnlyList<ScaleOutStage> stages, KubernetesOptions options, string outputDir)
    {
        var jobs = Plan(stages, options);
        var manifest = new JobManifest(options);
        foreach (var job in jobs)
            AtomicFile.WriteAllText(Path.Combine(outputDir, job.FileName), YamlNodes.Document(manifest.Build(job, Labels(options, job))));
        var script = Path.Combine(outputDir, ApplyScriptFile);
        AtomicFile.WriteAllText(script, ApplyScript.Text(jobs, options));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return jobs;
    }

    /// <summary>The Jobs in apply order, their names and files, checked options.</summary>
    public static IReadOnlyList<KubernetesJob> Plan(IReadOnlyList<ScaleOutStage> stages, KubernetesOptions options)
    {
        Check(options);
        if (stages.Count == 0) throw new ArgumentException("there are no stages to write");
        foreach (var stage in stages) stage.Validate();
        var duplicate = stages.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"two stages are named '{duplicate.Key}'");

        var count = stages.Sum(s => s.Steps.Count);
        var width = Math.Max(2, count.ToString(CultureInfo.InvariantCulture).Length);
        var run = KubernetesNames.Sanitize(options.RunName, MaxRunPart, "mmforge");
        var jobs = new List<KubernetesJob>(count);
        foreach (var stage in stages)
            foreach (var step in stage.Steps)
            {
                var args = step.Args.Select(EscapeExpansion).ToList();
                jobs.Add(step.PerShard
                    ? Job(stage, [.. args, ScaleOutStage.ShardOption, ShardValue(stage.Shards)], stage.Shards, step)
                    : Job(stage, args, 1, step));
            }
        return jobs;

        KubernetesJob Job(ScaleOutStage stage, IReadOnlyList<string> args, int completions, ScaleOutStep step)
        {
            var suffix = step.Suffix;
            var number = (jobs.Count + 1).ToString("D" + width, CultureInfo.InvariantCulture);
            // the number keeps names unique whatever sanitising and truncation did to the stage names
            var room = MaxJobName - run.Length - number.Length - 2 - suffix.Length;
            var stagePart = KubernetesNames.Sanitize(stage.Name, room, "stage") + suffix;
            return new KubernetesJob(stage.Name, $"{run}-{number}-{stagePart}", $"{number}-{stagePart}.yaml", args, completions, step.HoldsEveryKey);
        }
    }

    /// <summary>
    /// Kubernetes reads "$(NAME)" in args as a variable and "$$" as one "$" (Container.args, cited
    /// above), so a path holding "$(HOME)" would change inside the pod: doubling every "$" passes
    /// the argument through exactly.
    /// </summary>
    public static string EscapeExpansion(string arg) => arg.Replace("$", "$$", StringComparison.Ordinal);

    private static SortedDictionary<string, string> Labels(KubernetesOptions options, KubernetesJob job)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/name"] = "mmforge",
            ["app.kubernetes.io/instance"] = KubernetesNames.Sanitize(options.RunName, KubernetesNames.MaxLabel, "mmforge"),
            ["app.kubernetes.io/component"] = KubernetesNames.Sanitize(job.Stage, KubernetesNames.MaxLabel, "stage"),
        };
        foreach (var (key, value) in options.Labels)
            if (!labels.TryAdd(key, value)) throw new ArgumentException($"label '{key}' is set by mmforge on every Job; choose another key");
        return labels;
    }

    private static void Check(KubernetesOptions options)
    {
        KubernetesNames.CheckDnsLabel(options.Namespace, "namespace");
        KubernetesNames.CheckDnsSubdomain(options.ClaimName, "claim name");
        if (string.IsNullOrWhiteSpace(options.Image)) throw new ArgumentException("the Jobs need a container image");
        CheckAbsolute(options.RunDirectory, "run directory");
        if (options.WorkingDirectory is { } workingDir) CheckAbsolute(workingDir, "working directory");
        foreach (var extra in options.ExtraClaims)
        {
            KubernetesNames.CheckDnsSubdomain(extra.ClaimName, "claim name");
            CheckAbsolute(extra.MountPath, "mount path");
        }
        var mountPaths = options.ExtraClaims.Select(c => c.MountPath).Prepend(options.RunDirectory).ToList();
        if (mountPaths.Distinct(StringComparer.Ordinal).Count() != mountPaths.Count) throw new ArgumentException("two claims are mounted at the same path");
        if (options.CpuRequest is { } cpu) KubernetesNames.CheckQuantity(cpu, "cpu request");
        if (options.MemoryRequest is { } memory) KubernetesNames.CheckQuantity(memory, "memory request");
        if (options.DecideMemoryRequest is { } decideMemory) KubernetesNames.CheckQuantity(decideMemory, "decide memory request");
        if (options.BackoffLimitPerIndex < 0) throw new ArgumentException("backoffLimitPerIndex cannot be negative");
        if (options.MaxFailedIndexes < 0) throw new ArgumentException("maxFailedIndexes cannot be negative");
        if (options.Parallelism < 1) throw new ArgumentException("parallelism must be at least 1");
        if (options.WaitTimeoutSeconds < 1) throw new ArgumentException("the wait timeout must be positive");
        if (options.ActiveDeadlineSeconds < 1) throw new ArgumentException("activeDeadlineSeconds must be positive");
        foreach (var (key, value) in options.Labels) KubernetesNames.CheckLabel(key, value);
    }

    private static void CheckAbsolute(string path, string what)
    {
        if (!Path.IsPathFullyQualified(path)) throw new ArgumentException($"{what} '{path}' must be an absolute path: pods see it at that path");
    }
}
