namespace MMForge.Selection.Streamed;

/// <summary>
/// How one mix samples each source, from the count of the source's pooled samples, as
/// <see cref="MixCutter"/> samples it: the entry for the source (or "*"), how many it takes, and
/// what it leaves out counted into the cut. <c>first:</c> and <c>end:</c> are runs of the
/// source's samples in input order; <c>random:</c> is a search of its own (<see cref="RandomTargets"/>).
/// </summary>
internal sealed class MixSampling
{
    private readonly Sampling?[] _samplings;
    private readonly long[] _pooled, _take;

    public MixSampling(MixSpec spec, CutMix cut, NameTable sources, long[] pooled)
    {
        Cut = cut;
        _pooled = pooled;
        _samplings = sources.Names.Select(name => spec.EntryFor(name)?.Sampling).ToArray();
        _take = new long[pooled.Length];
        for (var s = 0; s < pooled.Length; s++)
        {
            if (_samplings[s] is not { } sampling)
            {
                cut.LeaveOut(CutMix.SourceNotInMix, pooled[s]);
                continue;
            }
            _take[s] = sampling.Take(pooled[s]);
            cut.LeaveOut(CutMix.NotSampled, pooled[s] - _take[s]);
        }
    }

    public CutMix Cut { get; }

    /// <summary>How the mix samples the source; null when the mix leaves it out.</summary>
    public SamplingKind? KindOf(int source) => _samplings[source]?.Kind;

    /// <summary>Per source, how many of the mix's shuffle a <c>random:</c> sampling takes; null where nothing is to be searched (another kind, or it takes all).</summary>
    public IEnumerable<long?> RandomTargets => _take.Select((take, s) => KindOf(s) == SamplingKind.Random && take < _pooled[s] ? take : (long?)null);

    /// <summary>Whether a <c>first:</c>, <c>end:</c> or <c>all</c> sampling takes the source's sample at <paramref name="place"/> in input order.</summary>
    public bool InRun(int source, long place) => KindOf(source) switch
    {
        SamplingKind.First => place < _take[source],
        SamplingKind.End => place >= _pooled[source] - _take[source],
        _ => true,
    };
}
