namespace MMForge.Scoring;

/// <summary>
/// The cut in one group (a source, or everything): how many were scored and dropped, the lowest
/// loss dropped, and the ordinal of the last sample dropped (the earliest of those at the
/// threshold): a sample is dropped when its loss is above the threshold, or at it from that ordinal on.
/// </summary>
public sealed record GroupCut(string Group, int Scored, int Dropped, float? Threshold, long TieFrom = long.MaxValue)
{
    public bool Drops(float loss, long ordinal) => Threshold is { } threshold && (loss > threshold || (loss == threshold && ordinal >= TieFrom));
}

/// <summary>
/// Decides which samples have a loss in the top <c>X%</c> of their group (their source, or the
/// whole input): the <c>floor(n * X / 100)</c> highest of the <c>n</c> scored samples of the group,
/// so never more than X%. Equal losses are broken by input order, the later sample going first
/// (the first one seen stays, as dedup keeps it), so the cut never depends on timing.
/// </summary>
public sealed class LossCut
{
    /// <summary>Name of the single group when the cut is taken over the whole input.</summary>
    public const string AllSources = "*";

    private readonly LossTable table;
    private readonly bool perSource;
    private readonly long ordinalOffset;
    private readonly Dictionary<string, GroupCut> cutOfGroup;

    public LossCut(LossTable table, decimal dropPercent, bool perSource)
    {
        (this.table, this.perSource) = (table, perSource);
        if (dropPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(dropPercent), dropPercent, "the share to drop is a percentage, 0 to 100");
        var groups = new Dictionary<int, List<int>>();
        for (var ordinal = 0; ordinal < table.Count; ordinal++)
        {
            if (float.IsNaN(table.LossOf(ordinal))) continue;
            var group = perSource ? table.SourceOf(ordinal) : 0;
            if (!groups.TryGetValue(group, out var members)) groups[group] = members = [];
            members.Add(ordinal);
        }
        var cuts = new List<GroupCut>();
        foreach (var (group, members) in groups.OrderBy(g => g.Key))
        {
            var drop = (int)(members.Count * dropPercent / 100m);
            var ranked = members.OrderByDescending(table.LossOf).ThenByDescending(ordinal => ordinal).Take(drop).ToList();
            cuts.Add(new GroupCut(perSource ? table.Sources[group] : AllSources, members.Count, drop,
                drop > 0 ? table.LossOf(ranked[^1]) : null, drop > 0 ? ranked[^1] : long.MaxValue));
        }
        Groups = cuts;
        cutOfGroup = cuts.ToDictionary(c => c.Group, StringComparer.Ordinal);
    }

    /// <summary>
    /// The cut <paramref name="groups"/> decided over the whole input, applied to one shard's
    /// <paramref name="table"/>, whose first sample is number <paramref name="ordinalOffset"/> of the whole input.
    /// </summary>
    public LossCut(LossTable table, IReadOnlyList<GroupCut> groups, bool perSource, long ordinalOffset)
    {
        (this.table, this.perSource, this.ordinalOffset) = (table, perSource, ordinalOffset);
        Groups = groups;
        cutOfGroup = groups.ToDictionary(c => c.Group, StringComparer.Ordinal);
    }

    public IReadOnlyList<GroupCut> Groups { get; }

    /// <summary>The cut that drops the sample, or null when it stays.</summary>
    public GroupCut? Dropping(int ordinal)
    {
        var loss = table.LossOf(ordinal);
        if (float.IsNaN(loss)) return null;
        var group = perSource ? table.Sources[table.SourceOf(ordinal)] : AllSources;
        return cutOfGroup.TryGetValue(group, out var cut) && cut.Drops(loss, ordinalOffset + ordinal) ? cut : null;
    }
}
