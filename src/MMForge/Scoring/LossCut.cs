namespace MMForge.Scoring;

/// <summary>The cut in one group (a source, or everything): how many were scored and dropped, and the lowest loss dropped.</summary>
public sealed record GroupCut(string Group, int Scored, int Dropped, float? Threshold);

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

    private readonly HashSet<int> dropped = [];
    private readonly Dictionary<int, GroupCut> cutOfOrdinal = [];

    public LossCut(LossTable table, decimal dropPercent, bool perSource)
    {
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
            var cut = new GroupCut(perSource ? table.Sources[group] : AllSources, members.Count, drop, drop > 0 ? table.LossOf(ranked[^1]) : null);
            cuts.Add(cut);
            foreach (var ordinal in ranked)
            {
                dropped.Add(ordinal);
                cutOfOrdinal[ordinal] = cut;
            }
        }
        Groups = cuts;
    }

    public IReadOnlyList<GroupCut> Groups { get; }

    /// <summary>The cut that drops the sample, or null when it stays.</summary>
    public GroupCut? Dropping(int ordinal) => cutOfOrdinal.GetValueOrDefault(ordinal);
}
