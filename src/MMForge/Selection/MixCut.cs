using System.Collections;
using MMForge.Filters;

namespace MMForge.Selection;

/// <summary>One mix cut from the pool: which records it takes (a mask per input, by ordinal), and its counts.</summary>
public sealed class CutMix(MixSpec spec, IReadOnlyList<int> recordsPerInput)
{
    public const string SourceNotInMix = "source-not-in-mix";
    public const string NotSampled = "not-sampled";
    public const string OverBudget = "over-token-budget";

    public MixSpec Spec { get; } = spec;
    public BitArray[] Take { get; } = recordsPerInput.Select(n => new BitArray(n)).ToArray();
    public long Records { get; set; }
    public long VisualTokens { get; set; }

    /// <summary>Why the input's other decoded samples are not in this mix: the balanced selection's reasons, then the mix's own.</summary>
    public SortedDictionary<string, long> UnselectedByReason { get; } = new(StringComparer.Ordinal);
    public List<string> Warnings { get; } = [];

    internal void LeaveOut(string reason, long count)
    {
        if (count > 0) UnselectedByReason[reason] = UnselectedByReason.GetValueOrDefault(reason) + count;
    }
}

/// <summary>
/// Cuts a stage mix from the pool: each pooled sample goes to its source's entry (or "*"), each
/// source's samples, in input order, are sampled by the entry's strategy, and when the mix has a
/// visual-token budget the sampled ones are taken in the mix's seeded shuffle until the next one
/// would not fit. The mix's shuffle is keyed by (seed, sample id, mix name), so mixes differ from
/// each other but not from run to run.
/// </summary>
public static class MixCutter
{
    public static CutMix Cut(SelectionKeys keys, SelectionPool pool, MixSpec spec, int mixIndex, ulong seed)
    {
        var mix = Begin(spec, keys.RecordsPerInput, pool, keys.Sources);
        var salt = Salt(seed, spec);
        ulong Shuffled(int key) => StableRandom.Bits(keys.Keys[key].Draw, salt);

        var bySource = new List<int>[keys.Sources.Names.Count];
        for (var s = 0; s < bySource.Length; s++) bySource[s] = [];
        for (var k = 0; k < keys.Keys.Count; k++)
            if (pool.Kept[k]) bySource[keys.Keys[k].Source].Add(k);

        var sampled = new List<int>();
        for (var s = 0; s < bySource.Length; s++)
        {
            var members = bySource[s];
            if (spec.EntryFor(keys.Sources.Names[s]) is not { } entry)
            {
                mix.LeaveOut(CutMix.SourceNotInMix, members.Count);
                continue;
            }
            var take = (int)entry.Sampling.Take(members.Count);
            sampled.AddRange(entry.Sampling.Kind switch
            {
                SamplingKind.First => members.Take(take),
                SamplingKind.End => members.Skip(members.Count - take),
                SamplingKind.Random => members.OrderBy(Shuffled).ThenBy(k => k).Take(take),
                _ => members,
            });
            mix.LeaveOut(CutMix.NotSampled, members.Count - take);
        }

        IEnumerable<int> taken = sampled;
        if (spec.MaxVisualTokens is { } budget)
        {
            var within = new List<int>();
            long spent = 0;
            foreach (var k in sampled.OrderBy(Shuffled).ThenBy(k => k))
            {
                if (spent + keys.TokensOf(k, mixIndex) > budget) break;
                spent += keys.TokensOf(k, mixIndex);
                within.Add(k);
            }
            mix.LeaveOut(CutMix.OverBudget, sampled.Count - within.Count);
            taken = within;
        }
        foreach (var k in taken)
        {
            var key = keys.Keys[k];
            mix.Take[key.Input][key.Ordinal] = true;
            mix.Records++;
            mix.VisualTokens += keys.TokensOf(k, mixIndex);
        }
        return mix;
    }

    /// <summary>A mix before any sample is taken: the pool's reasons for what it left out, and a warning for each source the mix names that no input holds.</summary>
    internal static CutMix Begin(MixSpec spec, IReadOnlyList<int> recordsPerInput, SelectionPool pool, NameTable sources)
    {
        var mix = new CutMix(spec, recordsPerInput);
        foreach (var (reason, count) in pool.UnselectedByReason) mix.LeaveOut(reason, count);
        foreach (var entry in spec.Sources.Where(e => e.Source != SourceSampling.Others && sources.Find(e.Source) is null))
            mix.Warnings.Add($"mix '{spec.Name}' (line {entry.Line}): source '{entry.Source}' is in none of the inputs");
        return mix;
    }

    /// <summary>What the mix's shuffle mixes into each sample's draw (<c>StableRandom.Bits(draw, salt)</c>): its name, so mixes shuffle differently.</summary>
    internal static ulong Salt(ulong seed, MixSpec spec) => StableRandom.Bits(seed, "mix:" + spec.Name);
}
