namespace MMForge.ScaleOut;

/// <summary>
/// One stage of a planned run as an executor sees it: the mmforge arguments that run it (the words
/// after "mmforge", e.g. <c>hash RUN/stages/validate -o RUN/stages/hash --workers 2</c>) and how many
/// shard tasks share its input. Executors run its <see cref="Steps"/> one after the other.
/// </summary>
public sealed record ScaleOutStage(string Name, IReadOnlyList<string> Args, int Shards = 1)
{
    public const string ShardOption = "--shard", OutputOption = "-o", PhaseOption = "--phase", MergeCommand = "merge-shards";
    private const string DecidePhase = "decide";

    /// <summary>
    /// The phases some commands run before their shards write, each once per shard or once in all.
    /// Global stages decide on every shard's keys first (dedup, select and score: each shard's keys,
    /// then one decision; dedup reduces each key partition between the two); hash first lists each shard's image files by the shard that owns them,
    /// then hashes each file in its owner, since records of different shards share them; validate first counts yes/no answers per shard for yes-no-balance.
    /// </summary>
    private static readonly Dictionary<string, (string Phase, bool PerShard)[]> PhasesBeforeWriting = new()
    {
        ["dedup"] = [("keys", true), ("reduce", true), (DecidePhase, false)],
        ["select"] = [("keys", true), (DecidePhase, false)],
        ["score"] = [("keys", true), (DecidePhase, false)],
        ["hash"] = [("paths", true), ("images", true)],
        ["validate"] = [("counts", true)],
    };

    /// <summary>The value after <c>-o</c>: what the merge task joins.</summary>
    public string? Output
    {
        get
        {
            var at = Args.ToList().IndexOf(OutputOption);
            return at >= 0 && at + 1 < Args.Count ? Args[at + 1] : null;
        }
    }

    /// <summary>
    /// What runs, in order. One process: the command line. Sharded: the shard tasks (each adds
    /// <c>--shard i/N</c>), then <c>merge-shards OUTPUT</c>; some commands put phases before them
    /// (<see cref="PhasesBeforeWriting"/>).
    /// </summary>
    public IReadOnlyList<ScaleOutStep> Steps
    {
        get
        {
            var phases = PhasesBeforeWriting.GetValueOrDefault(Args[0], []);
            // a global stage in one process decides over every key as its decide step does
            if (Shards == 1) return [new ScaleOutStep("", Args, PerShard: false, HoldsEveryKey: phases.Any(p => p.Phase == DecidePhase))];
            return
            [
                .. phases.Select(p => new ScaleOutStep("-" + p.Phase, [.. Args, PhaseOption, p.Phase], p.PerShard, HoldsEveryKey: p.Phase == DecidePhase && DecideHoldsEveryKey)),
                new ScaleOutStep("", Args, PerShard: true),
                new ScaleOutStep("-merge", [MergeCommand, Output!], PerShard: false),
            ];
        }
    }

    /// <summary>
    /// Whether the sharded decide step reads every key at once: select's and score's do; dedup's
    /// never (it merges its reduce steps' decisions, or decides one partition of linked groups at a time).
    /// </summary>
    private bool DecideHoldsEveryKey => Args[0] != "dedup";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("a stage needs a name");
        if (Args.Count == 0) throw new ArgumentException($"stage '{Name}' has no command line");
        if (Shards < 1) throw new ArgumentException($"stage '{Name}': shards must be at least 1, not {Shards}");
        if (Shards == 1) return;
        if (Args.Contains(ShardOption)) throw new ArgumentException($"stage '{Name}' already passes {ShardOption}; the executor adds it to each task");
        if (Output is null) throw new ArgumentException($"stage '{Name}' runs in {Shards} shards but its command line has no '{OutputOption} OUTPUT' for the merge step to join");
    }
}

/// <summary>
/// One step of a stage: its arguments, whether it runs once per shard (the executor adds
/// <c>--shard i/N</c>) or once, and what its job's name adds to the stage's ("-keys", "-merge").
/// A step that decides over every shard's keys (or a global stage in one process) may be given
/// more memory than the others (<c>--decide-memory</c>): dedup's holds every key.
/// </summary>
public sealed record ScaleOutStep(string Suffix, IReadOnlyList<string> Args, bool PerShard, bool HoldsEveryKey = false);
