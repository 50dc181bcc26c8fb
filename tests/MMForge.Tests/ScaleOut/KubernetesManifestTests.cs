using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MMForge.ScaleOut;
using MMForge.ScaleOut.Kubernetes;
using MMForge.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// The Jobs written for a planned run, parsed back and checked field by field against the batch/v1
/// Job schema (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/ and
/// .../pod-v1/ for the pod template); apply.sh checked by bash and run against a stand-in kubectl.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // apply.sh runs under bash with a stand-in kubectl
public sealed partial class KubernetesManifestTests
{
    private const string RunDir = "/data/runs/demo";

    // The field names of each object the manifests use, from the API reference pages above. A key
    // outside these is a typo the API server would reject (or, without strict validation, drop).
    private static readonly Dictionary<string, string[]> Schema = new()
    {
        ["Job"] = ["apiVersion", "kind", "metadata", "spec", "status"],
        ["ObjectMeta"] = ["annotations", "generateName", "labels", "name", "namespace", "ownerReferences", "finalizers"],
        ["JobSpec"] = ["activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex", "completionMode", "completions", "managedBy", "manualSelector",
            "maxFailedIndexes", "parallelism", "podFailurePolicy", "podReplacementPolicy", "selector", "successPolicy", "suspend", "template", "ttlSecondsAfterFinished"],
        ["PodTemplateSpec"] = ["metadata", "spec"],
        ["PodSpec"] = ["activeDeadlineSeconds", "affinity", "containers", "initContainers", "nodeSelector", "restartPolicy", "securityContext",
            "serviceAccountName", "terminationGracePeriodSeconds", "tolerations", "volumes"],
        ["Container"] = ["args", "command", "env", "envFrom", "image", "imagePullPolicy", "name", "resources", "securityContext", "volumeMounts", "workingDir"],
        ["ResourceRequirements"] = ["claims", "limits", "requests"],
        ["VolumeMount"] = ["mountPath", "mountPropagation", "name", "readOnly", "recursiveReadOnly", "subPath", "subPathExpr"],
        ["Volume"] = ["name", "persistentVolumeClaim"],
        ["PersistentVolumeClaimVolumeSource"] = ["claimName", "readOnly"],
    };

    private static readonly ScaleOutStage[] ThreeStages =
    [
        new("ingest", ["ingest", "--sources-file", RunDir + "/params/ingest.sources.json", "-o", RunDir + "/stages/ingest", "--workers", "2"]),
        new("tag", ["tag", RunDir + "/stages/ingest", "-o", RunDir + "/stages/tag", "--workers", "2"], Shards: 4),
        new("dedup", ["dedup", RunDir + "/stages/tag", "-o", RunDir + "/stages/dedup"]),
    ];

    private static KubernetesOptions Options(string runDir = RunDir) => new()
    {
        RunName = "demo", Image = "registry.example/mmforge:1.0", RunDirectory = runDir, ClaimName = "mmforge-runs",
        Namespace = "datasets", CpuRequest = "2", MemoryRequest = "4Gi", MaxFailedIndexes = 1, ActiveDeadlineSeconds = 86400,
        Labels = new Dictionary<string, string> { ["team"] = "vlm" },
    };

    [Fact]
    public void A_three_stage_plan_becomes_Indexed_Jobs_whose_every_field_is_one_of_the_Job_schema()
    {
        using var dir = TestPaths.NewTempDir();
        KubernetesManifests.Write(ThreeStages, Options(), dir.Path);

        Assert.Equal(["01-ingest.yaml", "02-tag.yaml", "03-tag-merge.yaml", "04-dedup.yaml", "apply.sh"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var jobs = new[] { "01-ingest.yaml", "02-tag.yaml", "03-tag-merge.yaml", "04-dedup.yaml" }.Select(f => ParseJob(dir.File(f))).ToList();
        Assert.Equal(["demo-01-ingest", "demo-02-tag", "demo-03-tag-merge", "demo-04-dedup"], jobs.Select(j => j.Name));
        Assert.Equal([1, 4, 1, 1], jobs.Select(j => j.Completions));
        Assert.Equal([1, 4, 1, 1], jobs.Select(j => j.Parallelism));
        Assert.All(jobs, j => Assert.Equal(2, j.BackoffLimitPerIndex));

        Assert.Equal([.. ThreeStages[0].Args], jobs[0].Args);
        Assert.Equal([.. ThreeStages[1].Args, "--shard", "$(JOB_COMPLETION_INDEX)/4"], jobs[1].Args);
        Assert.Equal(["merge-shards", RunDir + "/stages/tag"], jobs[2].Args);
        Assert.DoesNotContain("--shard", jobs[3].Args);
        // what mmforge sees in the pod of index 3, after the kubelet's $(VAR) expansion
        Assert.Equal("3/4", KubeletExpand(jobs[1].Args[^1], new() { ["JOB_COMPLETION_INDEX"] = "3" }));
    }

    /// <summary>Walks one parsed Job, checking keys per object and the values the brief requires.</summary>
    private static ParsedJob ParseJob(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(file)));
        var job = Mapping(Assert.Single(stream.Documents).RootNode, "Job");
        Assert.Equal("batch/v1", Text(job, "apiVersion"));
        Assert.Equal("Job", Text(job, "kind"));

        var metadata = Mapping(job["metadata"], "ObjectMeta");
        var name = Text(metadata, "name");
        Assert.True(name.Length <= 63 && DnsLabel().IsMatch(name), $"{file}: '{name}' is not a DNS-1123 label");
        Assert.Equal("datasets", Text(metadata, "namespace"));
        var labels = Labels(metadata);
        Assert.Equal("vlm", labels["team"]);
        Assert.Equal("mmforge", labels["app.kubernetes.io/name"]);

        var spec = Mapping(job["spec"], "JobSpec");
        Assert.Equal("Indexed", Text(spec, "completionMode"));
        var completions = Integer(spec, "completions");
        Assert.Equal(Math.Min(1, completions), Integer(spec, "maxFailedIndexes"));
        Assert.Equal(86400, Integer(spec, "activeDeadlineSeconds"));
        var template = Mapping(spec["template"], "PodTemplateSpec");
        Assert.Equal(labels, Labels(Mapping(template["metadata"], "ObjectMeta")));
        var pod = Mapping(template["spec"], "PodSpec");
        // JobSpec.backoffLimitPerIndex: "It can only be set when Job's completionMode=Indexed, and the Pod's restart policy is Never"
        Assert.Equal("Never", Text(pod, "restartPolicy"));

        var container = Mapping(Assert.Single(Sequence(pod, "containers")), "Container");
        Assert.Equal("registry.example/mmforge:1.0", Text(container, "image"));
        Assert.Equal(["mmforge"], Texts(container, "command"));
        var requests = Mapping(Mapping(container["resources"], "ResourceRequirements")["requests"], "requests");
        Assert.Equal(("2", "4Gi"), (Text(requests, "cpu"), Text(requests, "memory")));
        var mount = Mapping(Assert.Single(Sequence(container, "volumeMounts")), "VolumeMount");
        var volume = Mapping(Assert.Single(Sequence(pod, "volumes")), "Volume");
        Assert.Equal(RunDir, Text(mount, "mountPath"));
        Assert.Equal(Text(mount, "name"), Text(volume, "name"));
        Assert.Equal("mmforge-runs", Text(Mapping(volume["persistentVolumeClaim"], "PersistentVolumeClaimVolumeSource"), "claimName"));
        return new ParsedJob(name, (int)completions, (int)Integer(spec, "parallelism"), (int)Integer(spec, "backoffLimitPerIndex"), Texts(container, "args"));
    }

    private sealed record ParsedJob(string Name, int Completions, int Parallelism, int BackoffLimitPerIndex, List<string> Args);

    [Fact]
    public void Apply_script_is_valid_bash_that_applies_the_files_in_order_and_stops_at_a_failed_Job()
    {
        using var dir = TestPaths.NewTempDir();
        var output = Path.Combine(dir.Path, "k8s out");
        KubernetesManifests.Write(ThreeStages, Options(), output);
        var script = Path.Combine(output, "apply.sh");
        Assert.Equal(0, Bash(dir.Path, "-n", script).ExitCode);
        Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));

        var allComplete = FakeKubectlRun(dir.Path, script, failing: "");
        Assert.Equal(0, allComplete.ExitCode);
        Assert.Equal(["01-ingest.yaml", "02-tag.yaml", "03-tag-merge.yaml", "04-dedup.yaml"], allComplete.Applied);

        var tagFails = FakeKubectlRun(dir.Path, script, failing: "demo-02-tag");
        Assert.Equal(1, tagFails.ExitCode);
        Assert.Equal(["01-ingest.yaml", "02-tag.yaml"], tagFails.Applied);
        Assert.Contains("job demo-02-tag failed", tagFails.Stderr);
    }

    [Fact]
    public void Hostile_names_and_paths_become_valid_names_and_reach_mmforge_unchanged()
    {
        const string hostileRun = "/data/My Run/it's \"$HOME\" $(whoami) $$ `id`";
        var stages = new ScaleOutStage[]
        {
            new("Tag & Score/../$(rm -rf /)", ["tag", hostileRun + "/stages/in", "-o", hostileRun + "/stages/x'; rm -rf /"], Shards: 3),
            new(new string('x', 70) + " Ü", ["dedup", hostileRun + "/stages/x'; rm -rf /", "-o", hostileRun + "/$(PATH)"]),
        };
        var options = Options(hostileRun) with { RunName = "Nightly Run #7 ; $(reboot)" };
        using var dir = TestPaths.NewTempDir();
        var jobs = KubernetesManifests.Write(stages, options, dir.Path);

        Assert.All(jobs, j => Assert.Matches(DnsLabel(), j.Name));
        Assert.All(jobs, j => Assert.True(j.Name.Length <= 56, j.Name));
        Assert.Equal(["nightly-run-7-reboot-01-tag-score-rm-rf", "nightly-run-7-reboot-02-tag-score-rm-rf-merge", "nightly-run-7-reboot-03-" + new string('x', 32)],
            jobs.Select(j => j.Name));
        Assert.All(jobs, j => Assert.Matches("^[0-9]{2}-[a-z0-9-]+\\.yaml$", j.FileName));

        var environment = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "2", ["HOME"] = "/root", ["PATH"] = "/usr/bin" };
        var parsed = jobs.Select(j => Parse(dir.File(j.FileName))).ToList();
        var args = parsed.Select(p => Texts(Container(p), "args").Select(a => KubeletExpand(a, environment)).ToList()).ToList();
        Assert.Equal([.. stages[0].Args, "--shard", "2/3"], args[0]);
        Assert.Equal(["merge-shards", hostileRun + "/stages/x'; rm -rf /"], args[1]);
        Assert.Equal([.. stages[1].Args], args[2]);
        Assert.All(parsed, p => Assert.Equal(hostileRun, Text(Mapping(Sequence(Container(p), "volumeMounts")[0], "VolumeMount"), "mountPath")));
        Assert.Equal(0, Bash(dir.Path, "-n", dir.File("apply.sh")).ExitCode);
        Assert.Equal(0, FakeKubectlRun(dir.Path, dir.File("apply.sh"), failing: "").ExitCode);
    }

    [Fact]
    public void The_same_plan_writes_byte_identical_files()
    {
        using var dir = TestPaths.NewTempDir();
        KubernetesManifests.Write(ThreeStages, Options(), dir.File("a"));
        KubernetesManifests.Write(ThreeStages, Options(), dir.File("b"));
        foreach (var file in Directory.GetFiles(dir.File("a")))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(dir.File(Path.Combine("b", Path.GetFileName(file)))));
    }

    [Fact]
    public void Plans_and_options_the_cluster_would_refuse_are_errors_naming_the_problem()
    {
        var noOutput = new ScaleOutStage("tag", ["tag", RunDir + "/stages/in"], Shards: 2);
        Assert.Contains("no '-o OUTPUT'", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan([noOutput], Options())).Message);
        var sharedTwice = new ScaleOutStage("tag", ["tag", "in", "-o", "out", "--shard", "0/2"], Shards: 2);
        Assert.Contains("already passes --shard", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan([sharedTwice], Options())).Message);
        Assert.Contains("namespace 'Data Sets'", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan(ThreeStages, Options() with { Namespace = "Data Sets" })).Message);
        Assert.Contains("claim name", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan(ThreeStages, Options() with { ClaimName = "runs/../x" })).Message);
        Assert.Contains("memory request", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan(ThreeStages, Options() with { MemoryRequest = "4 GB" })).Message);
        Assert.Contains("absolute", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan(ThreeStages, Options() with { RunDirectory = "runs/demo" })).Message);
        Assert.Contains("label", Assert.Throws<ArgumentException>(() => KubernetesManifests.Plan(ThreeStages,
            Options() with { Labels = new Dictionary<string, string> { ["team"] = "a b" } })).Message);
    }

    // --- parsed YAML helpers: every mapping's keys checked against its object's schema ---

    private static YamlMappingNode Parse(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(file)));
        return Mapping(stream.Documents[0].RootNode, "Job");
    }

    private static YamlMappingNode Container(YamlMappingNode job) =>
        Mapping(Sequence(Mapping(Mapping(Mapping(job["spec"], "JobSpec")["template"], "PodTemplateSpec")["spec"], "PodSpec"), "containers")[0], "Container");

    private static YamlMappingNode Mapping(YamlNode node, string kind)
    {
        var map = Assert.IsType<YamlMappingNode>(node);
        if (Schema.TryGetValue(kind, out var fields))
            foreach (var key in map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
                Assert.True(fields.Contains(key), $"'{key}' is not a field of {kind}");
        return map;
    }

    private static Dictionary<string, string> Labels(YamlMappingNode metadata) =>
        Assert.IsType<YamlMappingNode>(metadata["labels"]).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => Quoted(e.Value));

    /// <summary>A string field: written quoted, so no YAML reader takes it for a number or a boolean.</summary>
    private static string Text(YamlMappingNode map, string key) => Quoted(map[key]);

    private static string Quoted(YamlNode node)
    {
        var scalar = Assert.IsType<YamlScalarNode>(node);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.DoubleQuoted, scalar.Style);
        return scalar.Value!;
    }

    private static long Integer(YamlMappingNode map, string key)
    {
        var scalar = Assert.IsType<YamlScalarNode>(map[key]);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, scalar.Style);
        return long.Parse(scalar.Value!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<YamlNode> Sequence(YamlMappingNode map, string key) => Assert.IsType<YamlSequenceNode>(map[key]).Children.ToList();

    private static List<string> Texts(YamlMappingNode map, string key) => Sequence(map, key).Select(Quoted).ToList();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    /// <summary>
    /// The kubelet's expansion of command and args (Container.args in the pod-v1 reference): "$$" is
    /// one "$", "$(NAME)" the variable's value when it is set, anything else stays as written.
    /// </summary>
    private static string KubeletExpand(string arg, Dictionary<string, string> environment)
    {
        var text = new StringBuilder();
        for (var i = 0; i < arg.Length; i++)
        {
            if (arg[i] != '$' || i + 1 == arg.Length) { text.Append(arg[i]); continue; }
            if (arg[i + 1] == '$') { text.Append('$'); i++; continue; }
            var close = arg[i + 1] == '(' ? arg.IndexOf(')', i + 2) : -1;
            if (close > 0 && environment.TryGetValue(arg[(i + 2)..close], out var value)) { text.Append(value); i = close; continue; }
            text.Append(arg[i]);
        }
        return text.ToString();
    }

    // --- running apply.sh against a stand-in kubectl ---

    private sealed record ScriptRun(int ExitCode, List<string> Applied, string Stderr);

    /// <summary>
    /// A kubectl that logs each applied file and reports every Job complete except those in
    /// <paramref name="failing"/>: their wait for "complete" times out and their conditions say Failed.
    /// </summary>
    private static ScriptRun FakeKubectlRun(string workDir, string script, string failing)
    {
        var bin = Path.Combine(workDir, "bin");
        Directory.CreateDirectory(bin);
        var log = Path.Combine(workDir, "applied.log");
        File.Delete(log);
        File.WriteAllText(Path.Combine(bin, "kubectl"), """
            #!/usr/bin/env bash
            verb=$1; shift
            job=; file=
            while (($#)); do
              case $1 in job/*) job=${1#job/} ;; -f) file=$2; shift ;; esac
              shift
            done
            failed=no; [[ " $FAKE_FAILING " == *" $job "* ]] && failed=yes
            case $verb in
              apply) [[ -f $file ]] || { echo "no such file: $file" >&2; exit 1; }; echo "$file" >> "$FAKE_LOG" ;;
              wait) [[ $failed == no ]] ;;
              get) [[ $failed == yes ]] && echo -n "FailureTarget Failed" ;;
            esac
            """);
        File.SetUnixFileMode(Path.Combine(bin, "kubectl"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = Bash(workDir, new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"), ["FAKE_LOG"] = log, ["FAKE_FAILING"] = failing,
        }, script);
        var applied = File.Exists(log) ? File.ReadAllLines(log).ToList() : [];
        return new ScriptRun(result.ExitCode, applied, result.Stderr);
    }

    private static (int ExitCode, string Stderr) Bash(string workDir, params string[] args) => Bash(workDir, new Dictionary<string, string>(), args);

    private static (int ExitCode, string Stderr) Bash(string workDir, Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("bash", args) { WorkingDirectory = workDir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }
}
