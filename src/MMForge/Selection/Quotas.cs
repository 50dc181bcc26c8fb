namespace MMForge.Selection;

/// <summary>
/// How many samples each group gets: the total (the overall maximum, or all that the caps allow)
/// shared out in proportion to the target weights by water-filling. A group whose share exceeds
/// what it has (its size, or the per-group cap) gets all it has and the rest is shared again
/// among the others, so the total is reached whenever the groups hold enough. Fractions go by
/// largest remainder, ties to the group listed first, so quotas are whole and deterministic.
/// </summary>
public static class Quotas
{
    public static long[] Allocate(IReadOnlyList<long> sizes, IReadOnlyList<double> weights, long? capPerGroup, long? total)
    {
        var n = sizes.Count;
        var available = new long[n];
        for (var g = 0; g < n; g++) available[g] = weights[g] > 0 ? Math.Min(sizes[g], capPerGroup ?? long.MaxValue) : 0;
        var quotas = new long[n];
        var remaining = Math.Min(total ?? long.MaxValue, available.Sum());
        var open = Enumerable.Range(0, n).Where(g => available[g] > 0).ToList();

        // fill the groups that cannot take their share, until every open group can
        for (var filled = true; filled && open.Count > 0;)
        {
            filled = false;
            var weight = open.Sum(g => weights[g]);
            foreach (var g in open.ToList())
                if (remaining * weights[g] / weight >= available[g])
                {
                    quotas[g] = available[g];
                    remaining -= available[g];
                    open.Remove(g);
                    filled = true;
                }
        }
        if (open.Count == 0) return quotas;

        var openWeight = open.Sum(g => weights[g]);
        var shares = open.Select(g => (Group: g, Share: remaining * weights[g] / openWeight)).ToList();
        foreach (var (g, share) in shares) quotas[g] = (long)Math.Floor(share);
        var left = remaining - shares.Sum(s => (long)Math.Floor(s.Share));
        foreach (var (g, _) in shares.OrderByDescending(s => s.Share - Math.Floor(s.Share)).ThenBy(s => s.Group).Take((int)Math.Max(0, left)))
            quotas[g]++;
        return quotas;
    }
}
