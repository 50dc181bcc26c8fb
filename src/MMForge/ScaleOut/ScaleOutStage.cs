namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// One stage of a planned run as an executor sees it: the mmforge arguments that run it (the words
/// after "mmforge", e.g. <c>hash RUN/stages/validate -o RUN/stages/hash --workers 2</c>) and how many
/// shard tasks share its input. With <see cref="Shards"/> above 1 each task adds <c>--shard i/N</c>
/// and a merge task (<c>merge-shards OUTPUT</c>) joins their outputs before the next stage.
/// </summary>
public sealed record ScaleOutStage(string Name, IReadOnlyList<string> Args, int Shards = 1)
{
    public const string ShardOption = "--shard", OutputOption = "-o";

    /// <summary>The value after <c>-o</c>: what the merge task joins.</summary>
    public string? Output
    {
        get
        {
            var at = Args.ToList().IndexOf(OutputOption);
            return at >= 0 && at + 1 < Args.Count ? Args[at + 1] : null;
        }
    }

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
