using System.Collections;
using MMForge.Filters;

namespace MMForge.Selection.Streamed;

/// <summary>
/// The decide step of a sharded selection without every sample's key in memory: the decisions
/// <see cref="BalancedSelection"/> and <see cref="MixCutter"/> take on the keys of one process,
/// bit for bit, taken in passes over the key shards (<see cref="KeyScan"/>). Each rule of the
/// form "the first so many in some order" becomes a <see cref="Boundaries"/> search:
/// <list type="bullet">
/// <item>a group's quota: the quota smallest (draw, index);</item>
/// <item>yes/no balance: the leaning samples, last of the shuffle first, while their leans fit the
/// surplus (<see cref="YesNoTail"/> finishes what a prefix cannot);</item>
/// <item>a source's <c>random:</c> sampling: the smallest of the mix's shuffle;</item>
/// <item>a mix's token budget: in the mix's shuffle until the next does not fit.</item>
/// </list>
/// <c>first:</c> and <c>end:</c> need only each source's count, since every pass sees the samples
/// in input order. It holds counters per group, source and mix, the mixes' masks (a bit per
/// record and mix) and, with diversity, whose greedy choice needs a group's tags together, one
/// batch of groups (at most <see cref="DiversityBatch"/> samples, or the largest group) at a time.
/// </summary>
internal sealed class StreamedSelection(SelectOptions options, KeyScan scan, int diversityBatch = StreamedSelection.DiversityBatch)
{
    /// <summary>Samples of the groups a diversity pass gathers at most by default (one larger group is gathered alone): about 200 MB of keys.</summary>
    public const int DiversityBatch = 4_000_000;

    private BalanceOptions Balance => options.Balance;
    private readonly SelectionPool _pool = new([]);
    private readonly ulong[] _salts = options.Mixes.Select(spec => MixCutter.Salt(options.Seed, spec)).ToArray();

    private Boundaries? _quotas;
    private BitArray? _diverse;
    private bool[] _diverseGroups = [];
    private YesNoTail? _yesNo;

    public Decided Decide()
    {
        var sizes = new List<long>();
        scan.Catalogue((int _, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) =>
        {
            if (key.Stratum == sizes.Count) sizes.Add(0);
            sizes[key.Stratum]++;
        });
        if (Balance.Selects)
        {
            BalancedSelection.Plan(_pool, scan.Names.Strata, sizes, Balance);
            PickQuotas();
            if (Balance.YesNoBalance) _yesNo = YesNoTail.Find(scan, InQuota);
        }
        var cuts = CutMixes();
        foreach (var (input, ordinal) in scan.Names.Undecoded) cuts[0].Take[input][ordinal] = true;
        return new Decided(_pool, cuts, scan.Names.ImagesWithoutSize, [.. _pool.Warnings, .. cuts.SelectMany(c => c.Warnings)]);
    }

    /// <summary>Each group's quota: the smallest draws by boundary, or, with diversity, the greedy choice over each group gathered.</summary>
    private void PickQuotas()
    {
        var underQuota = _pool.Groups.Select(g => g.Quota < g.Size).ToArray();
        _quotas = new Boundaries(_pool.Groups.Select((g, i) => underQuota[i] && !Balance.Diversity ? g.Quota : (long?)null));
        Search(_quotas, () => (int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) => _quotas.Observe(key.Stratum, DrawOrder(index, key), 1));
        if (!Balance.Diversity) return;
        _diverseGroups = underQuota;
        _diverse = new BitArray(scan.Decoded);
        foreach (var batch in DiversityBatches()) PickDiverse(batch);
    }

    /// <summary>The groups under quota, in batches of at most <c>diversityBatch</c> samples (a larger group alone).</summary>
    private IEnumerable<HashSet<int>> DiversityBatches()
    {
        var batch = new HashSet<int>();
        long samples = 0;
        for (var g = 0; g < _diverseGroups.Length; g++)
        {
            if (!_diverseGroups[g]) continue;
            if (batch.Count > 0 && samples + _pool.Groups[g].Size > diversityBatch)
            {
                yield return batch;
                (batch, samples) = ([], 0);
            }
            batch.Add(g);
            samples += _pool.Groups[g].Size;
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>Gathers the keys of <paramref name="groups"/> in input order and takes <see cref="GroupPick"/>'s greedy choice in each.</summary>
    private void PickDiverse(HashSet<int> groups)
    {
        var gathered = new SelectionKeys(0, 0);
        var indexes = new List<int>();
        var members = groups.ToDictionary(g => g, _ => new List<int>());
        scan.Pass((int index, in SelectionKey key, ReadOnlySpan<int> tags, ReadOnlySpan<long> _) =>
        {
            if (!members.TryGetValue(key.Stratum, out var group)) return;
            group.Add(gathered.Keys.Count);
            gathered.Keys.Add(key with { TagStart = gathered.TagIds.Count });
            gathered.TagIds.AddRange(tags);
            indexes.Add(index);
        });
        // gathered in input order, so GroupPick breaks ties among them as it does among all keys
        foreach (var (g, group) in members)
            foreach (var k in GroupPick.Choose(gathered, group, _pool.Groups[g].Quota, diversity: true)) _diverse![indexes[k]] = true;
    }

    /// <summary>Whether the sample is within its group's quota (before yes/no balance).</summary>
    private bool InQuota(int index, in SelectionKey key) =>
        !Balance.Selects
        || (_quotas!.Before(key.Stratum, DrawOrder(index, key)) && (_diverse is null || !_diverseGroups[key.Stratum] || _diverse[index]));

    private bool InPool(int index, in SelectionKey key) => InQuota(index, key) && _yesNo?.Drops(index, key) != true;

    /// <summary>Every mix cut from the pool: each source's count, then the <c>random:</c> samplings, then the budgets, then the masks.</summary>
    private List<CutMix> CutMixes()
    {
        var sourceCount = scan.Names.Sources.Names.Count;
        var pooled = new long[sourceCount];
        long yesNoDropped = 0;
        scan.Pass((int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) =>
        {
            if (!InQuota(index, key)) return;
            if (_yesNo?.Drops(index, key) == true) yesNoDropped++;
            else pooled[key.Source]++;
        });
        if (_yesNo is not null) BalancedSelection.Count(_pool, SelectionPool.YesNo, yesNoDropped);

        var mixes = options.Mixes.Select(spec => new MixSampling(spec, MixCutter.Begin(spec, scan.Names.RecordsPerInput, _pool, scan.Names.Sources), scan.Names.Sources, pooled)).ToList();
        var random = new Boundaries(mixes.SelectMany(mix => mix.RandomTargets));
        Search(random, () => (int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) =>
        {
            if (!InPool(index, key)) return;
            for (var m = 0; m < mixes.Count; m++)
                if (mixes[m].KindOf(key.Source) == SamplingKind.Random) random.Observe(m * sourceCount + key.Source, ShuffleOrder(m, index, key), 1);
        });
        var budgets = new Boundaries(options.Mixes.Select(spec => spec.MaxVisualTokens));
        Search(budgets, () => Sampled((m, index, key, tokens) => budgets.Observe(m, ShuffleOrder(m, index, key), tokens)));

        var sampled = new long[mixes.Count];
        scan.Pass(Sampled((m, index, key, tokens) =>
        {
            sampled[m]++;
            if (!budgets.Before(m, ShuffleOrder(m, index, key))) return;
            var cut = mixes[m].Cut;
            cut.Take[key.Input][key.Ordinal] = true;
            cut.Records++;
            cut.VisualTokens += tokens;
        }));
        for (var m = 0; m < mixes.Count; m++) mixes[m].Cut.LeaveOut(CutMix.OverBudget, sampled[m] - mixes[m].Cut.Records);
        return mixes.Select(mix => mix.Cut).ToList();

        // for one pass: hands each pooled sample to visit once for every mix that samples it (mix, index, key, tokens under the mix's limit)
        KeyScan.Visitor Sampled(Action<int, int, SelectionKey, long> visit)
        {
            var rank = new long[sourceCount]; // the sample's place among its source's pooled samples, for first: and end:
            return (int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> tokens) =>
            {
                if (!InPool(index, key)) return;
                var place = rank[key.Source]++;
                for (var m = 0; m < mixes.Count; m++)
                {
                    var taken = mixes[m].KindOf(key.Source) switch
                    {
                        null => false,
                        SamplingKind.Random => random.Before(m * sourceCount + key.Source, ShuffleOrder(m, index, key)),
                        _ => mixes[m].InRun(key.Source, place),
                    };
                    if (taken) visit(m, index, key, tokens[m]);
                }
            };
        }
    }

    /// <summary>Passes until every boundary is found, each with a visitor of its own from <paramref name="observer"/> (a visitor that counts as it goes starts afresh).</summary>
    private void Search(Boundaries boundaries, Func<KeyScan.Visitor> observer)
    {
        while (boundaries.Searching)
        {
            scan.Pass(observer());
            boundaries.EndPass();
        }
    }

    /// <summary>GroupPick's order: the seeded shuffle (draw), then input order.</summary>
    private static UInt128 DrawOrder(int index, in SelectionKey key) => Boundaries.Key(key.Draw, (ulong)index);

    /// <summary>A mix's shuffle, as <see cref="MixCutter"/> orders it: (shuffled draw, input order).</summary>
    private UInt128 ShuffleOrder(int mix, int index, in SelectionKey key) => Boundaries.Key(StableRandom.Bits(key.Draw, _salts[mix]), (ulong)index);
}
