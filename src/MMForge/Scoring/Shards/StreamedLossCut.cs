using System.Runtime.CompilerServices;

namespace MMForge.Scoring.Shards;

/// <summary>
/// The cut <see cref="LossCut"/> takes over the whole input, taken over shard tables read one at a
/// time, so the decide step never holds every key: it holds one shard's table and, per group, 256
/// counters. The sample that sets a group's cut is the <c>drop</c>-th in the order (loss
/// descending, ordinal descending); it is found by a radix select. The 32-bit order-preserving key
/// of its loss comes from four passes of 8-bit digits, each over every table. Then one pass over
/// the tables from the last finds the tie: the shard holding the sample among those at that loss,
/// and its ordinal there.
/// </summary>
public static class StreamedLossCut
{
    private const int DigitBits = 8, Digits = 32 / DigitBits;
    private const string TablesChanged = "the loss tables changed between the passes of the cut; run the decide step again";

    /// <param name="shards">Loaders of the shard tables in shard order; each is called once per pass.</param>
    /// <param name="dropPercent">The share to drop, 0 to 100.</param>
    /// <param name="perSource">A cut per source, else one over everything.</param>
    /// <returns>The groups' cuts, ordered as <see cref="LossCut.Groups"/> orders them.</returns>
    // optimized from the first call: unoptimized code keeps the last table alive while the next one loads
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<GroupCut> Select(IReadOnlyList<Func<LossTable>> shards, decimal dropPercent, bool perSource)
    {
        if (dropPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(dropPercent), dropPercent, "the share to drop is a percentage, 0 to 100");
        var groups = new Dictionary<string, GroupSelection>(StringComparer.Ordinal);
        // the groups in order of their source's first sample, scored or not, as one table numbers its sources
        var order = new List<string>();
        var offsets = new long[shards.Count];
        long ordinals = 0;
        for (var s = 0; s < shards.Count; s++)
        {
            offsets[s] = ordinals;
            ordinals += Count(shards[s](), groups, order, perSource);
        }
        foreach (var group in groups.Values) group.Rank = group.Dropped = (int)(group.Scored * dropPercent / 100m);

        for (var digit = 0; digit < Digits; digit++)
        {
            var shift = 32 - DigitBits * (digit + 1);
            foreach (var group in groups.Values) Array.Clear(group.Counts);
            foreach (var load in shards)
                ForEachScored(load(), groups, perSource, (group, key, _, _) =>
                {
                    // the digits above this one are those found so far (none for the first: a ulong shifts 32 places, a uint would not)
                    if (group.Rank > 0 && (ulong)key >> (shift + DigitBits) == (ulong)group.Prefix >> (shift + DigitBits)) group.Counts[(key >> shift) & 0xFF]++;
                });
            foreach (var group in groups.Values.Where(g => g.Rank > 0)) group.TakeDigit(shift);
        }
        FindTies(shards, offsets, groups, perSource);
        if (groups.Values.Any(g => g.Rank > 0)) throw new InvalidDataException(TablesChanged);

        return order.Select(name => (Name: name, Group: groups[name]))
            .Where(g => g.Group.Scored > 0)
            .Select(g => new GroupCut(g.Name, g.Group.Scored, g.Group.Dropped, g.Group.Threshold, g.Group.TieFrom))
            .ToList();
    }

    /// <summary>The first pass over one table: its new groups, in the order of their first sample, and each group's scored samples; returns the table's samples.</summary>
    private static int Count(LossTable table, Dictionary<string, GroupSelection> groups, List<string> order, bool perSource)
    {
        // a table lists its sources in the order of their first sample
        foreach (var name in table.Sources.Select(source => perSource ? source : LossCut.AllSources))
            if (groups.TryAdd(name, new GroupSelection())) order.Add(name);
        ForEachScored(table, groups, perSource, (group, _, _, _) => group.Scored++);
        return table.Count;
    }

    /// <summary>The last pass, from the last shard back: the shard where each group's rank among the samples at its threshold falls, and the sample there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FindTies(IReadOnlyList<Func<LossTable>> shards, long[] offsets, Dictionary<string, GroupSelection> groups, bool perSource)
    {
        for (var s = shards.Count - 1; s >= 0 && groups.Values.Any(g => g.Rank > 0); s--)
        {
            var ties = new Dictionary<GroupSelection, List<(int Ordinal, float Loss)>>();
            ForEachScored(shards[s](), groups, perSource, (group, key, ordinal, loss) =>
            {
                if (group.Rank > 0 && key == group.Prefix)
                {
                    if (!ties.TryGetValue(group, out var list)) ties[group] = list = [];
                    list.Add((ordinal, loss));
                }
            });
            foreach (var (group, list) in ties)
            {
                if (group.Rank > list.Count)
                {
                    group.Rank -= list.Count;
                    continue;
                }
                // the samples of this shard at the threshold in input order: the rank-th from the end is the one
                var (ordinal, loss) = list[^group.Rank];
                (group.Threshold, group.TieFrom, group.Rank) = (loss, offsets[s] + ordinal, 0);
            }
        }
    }

    /// <summary>Each scored sample of the table with its group (looked up once per source of the table), its loss's key, ordinal and loss.</summary>
    private static void ForEachScored(LossTable table, Dictionary<string, GroupSelection> groups, bool perSource, Action<GroupSelection, uint, int, float> visit)
    {
        var groupOfSource = table.Sources.Select(name => groups.GetValueOrDefault(perSource ? name : LossCut.AllSources)).ToArray();
        for (var i = 0; i < table.Count; i++)
        {
            var loss = table.LossOf(i);
            if (float.IsNaN(loss)) continue;
            var group = groupOfSource[table.SourceOf(i)] ?? throw new InvalidDataException(TablesChanged);
            visit(group, OrderedKey(loss), i, loss);
        }
    }

    /// <summary>A key that orders as the losses do: -0 is 0 (they are equal), negatives below positives.</summary>
    private static uint OrderedKey(float loss)
    {
        var bits = (uint)BitConverter.SingleToInt32Bits(loss == 0 ? 0f : loss);
        return (bits & 0x8000_0000) == 0 ? bits | 0x8000_0000 : ~bits;
    }

    /// <summary>One group's selection: its counts, the rank still to find (0 when found or nothing is dropped), the key's digits found.</summary>
    private sealed class GroupSelection
    {
        public int Scored { get; set; }
        public int Dropped { get; set; }
        public int Rank { get; set; }
        public uint Prefix { get; private set; }
        public long[] Counts { get; } = new long[1 << DigitBits];
        public float? Threshold { get; set; }
        public long TieFrom { get; set; } = long.MaxValue;

        /// <summary>The digit at <paramref name="shift"/> of the rank-th key from the top, and the rank left among keys with that digit.</summary>
        public void TakeDigit(int shift)
        {
            for (var digit = Counts.Length - 1; digit >= 0; digit--)
            {
                if (Rank <= Counts[digit])
                {
                    Prefix |= (uint)digit << shift;
                    return;
                }
                Rank -= (int)Counts[digit];
            }
            throw new InvalidDataException(TablesChanged);
        }
    }
}
