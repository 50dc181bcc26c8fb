namespace MMForge.Selection;

/// <summary>
/// Equal "yes" and "no" answers among the chosen samples (MMInstruct's balanced judgement
/// questions, SVIT's yes/no resampling): while one answer outnumbers the other, drop a sample
/// that leans to it, last of the seeded shuffle first, skipping any whose drop would overshoot.
/// The answers are counted as Filters' yes-no-balance rule counts them. Single-answer judgement
/// samples always balance exactly; multi-turn samples balance as closely as whole samples allow.
/// </summary>
public static class YesNoEqualiser
{
    /// <summary>The samples of <paramref name="chosen"/> to drop.</summary>
    public static List<int> Surplus(SelectionKeys keys, IEnumerable<int> chosen)
    {
        var members = chosen.ToList();
        long net = members.Sum(k => (long)keys.Keys[k].Yes - keys.Keys[k].No);
        var sign = Math.Sign(net);
        var dropped = new List<int>();
        if (sign == 0) return dropped;
        var leaning = members.Where(k => Math.Sign(keys.Keys[k].Yes - keys.Keys[k].No) == sign)
            .OrderByDescending(k => keys.Keys[k].Draw).ThenByDescending(k => k);
        foreach (var key in leaning)
        {
            if (net == 0) break;
            long lean = Math.Abs(keys.Keys[key].Yes - keys.Keys[key].No);
            if (lean > Math.Abs(net)) continue;
            dropped.Add(key);
            net -= sign * lean;
        }
        return dropped;
    }
}
