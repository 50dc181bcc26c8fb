namespace MMForge.Selection;

/// <summary>The pool the mixes are cut from: which samples the balanced selection kept, and why the others were left out.</summary>
public sealed class SelectionPool(bool[] kept)
{
    public const string OffTarget = "group-not-in-target";
    public const string OverQuota = "over-group-quota";
    public const string YesNo = "yes-no-balance";

    public bool[] Kept { get; } = kept;
    public SortedDictionary<string, long> UnselectedByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>Per group: its size, target weight and quota, for the summary and the manifest.</summary>
    public List<(string Group, long Size, double Weight, long Quota)> Groups { get; } = [];

    public List<string> Warnings { get; } = [];
}

/// <summary>
/// The quota-stratified balanced selection over the pooled inputs: samples grouped by the
/// stratum key, quotas from <see cref="Quotas"/> toward the target distribution under the cap and
/// the overall maximum, each group's quota chosen by <see cref="GroupPick"/>, then yes/no
/// equalised by <see cref="YesNoEqualiser"/>.
/// </summary>
public static class BalancedSelection
{
    public static SelectionPool Run(SelectionKeys keys, BalanceOptions options)
    {
        var pool = new SelectionPool(new bool[keys.Keys.Count]);
        if (!options.Selects)
        {
            Array.Fill(pool.Kept, true);
            return pool;
        }
        var members = new List<int>[keys.Strata.Names.Count];
        for (var g = 0; g < members.Length; g++) members[g] = [];
        for (var k = 0; k < keys.Keys.Count; k++) members[keys.Keys[k].Stratum].Add(k);

        Plan(pool, keys.Strata, members.Select(m => (long)m.Count).ToList(), options);
        for (var g = 0; g < members.Length; g++)
            foreach (var k in GroupPick.Choose(keys, members[g], pool.Groups[g].Quota, options.Diversity)) pool.Kept[k] = true;
        if (options.YesNoBalance)
        {
            var surplus = YesNoEqualiser.Surplus(keys, Enumerable.Range(0, keys.Keys.Count).Where(k => pool.Kept[k]));
            foreach (var k in surplus) pool.Kept[k] = false;
            Count(pool, SelectionPool.YesNo, surplus.Count);
        }
        return pool;
    }

    /// <summary>
    /// What the group sizes alone decide, into <paramref name="pool"/>: each group's target
    /// weight and quota (<see cref="SelectionPool.Groups"/>, in stratum number order), the
    /// warnings, and the samples the quotas leave out counted by reason. The streamed decide step
    /// of a sharded selection starts from the same plan (<see cref="Streamed.StreamedSelection"/>).
    /// </summary>
    internal static void Plan(SelectionPool pool, NameTable strata, IReadOnlyList<long> sizes, BalanceOptions options)
    {
        var weights = strata.Names.Select((name, g) => options.Target switch
        {
            TargetKind.Natural => sizes[g],
            TargetKind.Weights => options.Weights.GetValueOrDefault(name),
            _ => 1.0,
        }).ToList();
        foreach (var name in options.Weights.Keys.Where(n => strata.Find(n) is null).Order(StringComparer.Ordinal))
            pool.Warnings.Add($"the target names group '{name}', which no sample belongs to");
        var quotas = Quotas.Allocate(sizes, weights, options.CapPerGroup, options.MaxRecords);
        for (var g = 0; g < sizes.Count; g++)
        {
            pool.Groups.Add((strata.Names[g], sizes[g], weights[g], quotas[g]));
            Count(pool, weights[g] > 0 ? SelectionPool.OverQuota : SelectionPool.OffTarget, sizes[g] - quotas[g]);
        }
    }

    internal static void Count(SelectionPool pool, string reason, long count)
    {
        if (count > 0) pool.UnselectedByReason[reason] = pool.UnselectedByReason.GetValueOrDefault(reason) + count;
    }
}
