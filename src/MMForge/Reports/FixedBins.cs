namespace MMForge.Reports;

/// <summary>
/// A streaming histogram over fixed lower bounds: a value falls into the last bin whose lower
/// bound it reaches; the last bin is open. Fixed bounds (not quantiles) keep reports of
/// different datasets comparable and need no second pass.
/// </summary>
public sealed class FixedBins
{
    private readonly long[] _lowerBounds;
    private readonly long[] _counts;

    /// <param name="lowerBounds">Increasing lower bounds; the first is the smallest value counted.</param>
    public FixedBins(params long[] lowerBounds)
    {
        if (lowerBounds.Length == 0 || lowerBounds.Zip(lowerBounds.Skip(1)).Any(p => p.First >= p.Second))
            throw new ArgumentException("bin bounds must be increasing", nameof(lowerBounds));
        _lowerBounds = lowerBounds;
        _counts = new long[lowerBounds.Length];
    }

    /// <summary>Counts <paramref name="value"/>; values below the first bound go to the first bin.</summary>
    public void Add(long value)
    {
        var index = Array.BinarySearch(_lowerBounds, value);
        _counts[index >= 0 ? index : Math.Max(0, ~index - 1)]++;
    }

    /// <summary>Adds the counts of <paramref name="other"/>, a histogram over the same bounds.</summary>
    public void Merge(FixedBins other)
    {
        if (!other._lowerBounds.AsSpan().SequenceEqual(_lowerBounds)) throw new ArgumentException("bin bounds differ", nameof(other));
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }

    public HistogramData ToData(string unit, long excluded) => new()
    {
        Unit = unit,
        Excluded = excluded,
        Bins = _lowerBounds.Select((from, i) => new HistogramBin
        {
            From = from,
            To = i + 1 < _lowerBounds.Length ? _lowerBounds[i + 1] : null,
            Count = _counts[i],
        }).ToList(),
    };
}
