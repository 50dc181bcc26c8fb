namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// One Job of the plan, in apply order: a stage's tasks (<see cref="Completions"/> indexes, each
/// adding <c>--shard $(JOB_COMPLETION_INDEX)/N</c> when sharded) or the merge task after them.
/// <see cref="Args"/> are the container's args as written in the manifest: the stage's own "$"
/// doubled (<see cref="KubernetesManifests.EscapeExpansion"/>), so only the shard index is expanded.
/// <see cref="HoldsEveryKey"/>: a decide step (<see cref="ScaleOutStep.HoldsEveryKey"/>), whose memory request may differ.
/// </summary>
public sealed record KubernetesJob(string Stage, string Name, string FileName, IReadOnlyList<string> Args, int Completions, bool HoldsEveryKey = false);
