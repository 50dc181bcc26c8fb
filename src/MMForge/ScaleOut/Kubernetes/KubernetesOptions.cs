namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// Where and how the Jobs of a run execute. The run directory lives on a PersistentVolumeClaim
/// mounted in every pod at the same path it has on the planning machine, so the absolute paths in
/// the stages' command lines stay valid inside the containers.
/// </summary>
public sealed record KubernetesOptions
{
    /// <summary>Names the Jobs (<c>RUN-01-ingest</c>) and labels them; sanitised to DNS-1123.</summary>
    public required string RunName { get; init; }

    /// <summary>Container image with the <c>mmforge</c> executable on its PATH.</summary>
    public required string Image { get; init; }

    /// <summary>Absolute path of the run directory; the claim is mounted there.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The PersistentVolumeClaim holding the run directory (ReadWriteMany when shards run on several nodes).</summary>
    public required string ClaimName { get; init; }

    public string Namespace { get; init; } = "default";

    /// <summary>The container's working directory (mmforge run uses the recipe's folder); the run directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Further claims (source data, the recipe's folder), each mounted at its path.</summary>
    public IReadOnlyList<ClaimMount> ExtraClaims { get; init; } = [];

    /// <summary>Resource requests per task as Kubernetes quantities ("2", "500m", "4Gi"); omitted when null.</summary>
    public string? CpuRequest { get; init; }

    public string? MemoryRequest { get; init; }

    /// <summary>The memory request of the Jobs that decide over every shard's keys (<see cref="KubernetesJob.HoldsEveryKey"/>); <see cref="MemoryRequest"/> when null.</summary>
    public string? DecideMemoryRequest { get; init; }

    /// <summary>The memory request of <paramref name="job"/>'s tasks.</summary>
    public string? MemoryRequestFor(KubernetesJob job) => job.HoldsEveryKey ? DecideMemoryRequest ?? MemoryRequest : MemoryRequest;

    /// <summary>Retries of one failed index before that index counts as failed (spec.backoffLimitPerIndex).</summary>
    public int BackoffLimitPerIndex { get; init; } = 2;

    /// <summary>Failed indexes after which the whole Job stops (spec.maxFailedIndexes); when null every index runs to the end.</summary>
    public int? MaxFailedIndexes { get; init; }

    /// <summary>Tasks of one stage running at once; the stage's shard count when null.</summary>
    public int? Parallelism { get; init; }

    /// <summary>Seconds a Job may run before Kubernetes stops it (spec.activeDeadlineSeconds); no limit when null.</summary>
    public long? ActiveDeadlineSeconds { get; init; }

    /// <summary>How long apply.sh waits for one Job to complete before it gives up.</summary>
    public long WaitTimeoutSeconds { get; init; } = 86400;

    /// <summary>Labels added to every Job and its pods.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>A PersistentVolumeClaim mounted at <see cref="MountPath"/> in every task.</summary>
public sealed record ClaimMount(string ClaimName, string MountPath, bool ReadOnly = false);
