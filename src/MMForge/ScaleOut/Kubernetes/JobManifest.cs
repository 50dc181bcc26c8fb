using YamlDotNet.RepresentationModel;
using static MMForge.ScaleOut.Kubernetes.YamlNodes;

namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// One <see cref="KubernetesJob"/> as a batch/v1 Indexed Job. Field names and rules from the API
/// reference: Job and JobSpec https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/,
/// PodSpec https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/, Container
/// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container.
/// Every Job is Indexed, the merge task too (one index), so all of them retry per index the same way.
/// </summary>
internal sealed class JobManifest(KubernetesOptions options)
{
    public const string ContainerName = "mmforge", Executable = "mmforge", RunVolume = "run";

    public YamlMappingNode Build(KubernetesJob job, IReadOnlyDictionary<string, string> labels) => Map(
        ("apiVersion", Text("batch/v1")),
        ("kind", Text("Job")),
        ("metadata", Map(("name", Text(job.Name)), ("namespace", Text(options.Namespace)), ("labels", Map(labels)))),
        ("spec", Spec(job, labels)));

    private YamlMappingNode Spec(KubernetesJob job, IReadOnlyDictionary<string, string> labels) => Map(
        ("completionMode", Text("Indexed")),
        ("completions", Number(job.Completions)),
        ("parallelism", Number(Math.Min(options.Parallelism ?? job.Completions, job.Completions))),
        ("backoffLimitPerIndex", Number(options.BackoffLimitPerIndex)),
        ("maxFailedIndexes", options.MaxFailedIndexes is { } max ? Number(Math.Min(max, job.Completions)) : null),
        ("activeDeadlineSeconds", options.ActiveDeadlineSeconds is { } seconds ? Number(seconds) : null),
        ("template", Map(("metadata", Map(("labels", Map(labels)))), ("spec", PodSpec(job)))));

    private YamlMappingNode PodSpec(KubernetesJob job) => Map(
        // backoffLimitPerIndex "can only be set when Job's completionMode=Indexed, and the Pod's restart policy is Never" (JobSpec reference)
        ("restartPolicy", Text("Never")),
        ("containers", List([Container(job)])),
        ("volumes", List(Claims().Select(c => Map(
            ("name", Text(c.Volume)),
            ("persistentVolumeClaim", Map(("claimName", Text(c.Mount.ClaimName)), ("readOnly", ReadOnly(c.Mount)))))))));

    private YamlMappingNode Container(KubernetesJob job) => Map(
        ("name", Text(ContainerName)),
        ("image", Text(options.Image)),
        ("command", Texts([Executable])),
        ("args", Texts(job.Args)),
        ("workingDir", Text(options.WorkingDirectory ?? options.RunDirectory)),
        ("resources", Requests(job)),
        ("volumeMounts", List(Claims().Select(c => Map(
            ("name", Text(c.Volume)),
            ("mountPath", Text(c.Mount.MountPath)),
            ("readOnly", ReadOnly(c.Mount)))))));

    private static YamlScalarNode? ReadOnly(ClaimMount mount) => mount.ReadOnly ? new YamlScalarNode("true") : null;

    private YamlMappingNode? Requests(KubernetesJob job)
    {
        var requests = Map(
            ("cpu", options.CpuRequest is { } cpu ? Text(cpu) : null),
            ("memory", options.MemoryRequestFor(job) is { } memory ? Text(memory) : null));
        return requests.Children.Count > 0 ? Map(("requests", requests)) : null;
    }

    /// <summary>The run directory's claim first, then the extra ones, each a volume named for its place.</summary>
    private IEnumerable<(string Volume, ClaimMount Mount)> Claims() =>
        options.ExtraClaims.Select((mount, i) => ($"data-{i + 1}", mount))
            .Prepend((RunVolume, new ClaimMount(options.ClaimName, options.RunDirectory)));
}
