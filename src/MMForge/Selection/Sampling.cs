using System.Globalization;

namespace MMForge.Selection;

public enum SamplingKind { All, First, End, Random }

/// <summary>
/// How many of one source's samples a mix takes, in LLaVA-OneVision's <c>sampling_strategy</c>
/// syntax: <c>all</c>, <c>first:N%</c>, <c>end:N%</c>, <c>random:N%</c>, or the same with a
/// count (<c>first:1000</c>). A percentage takes ceil(N * count / 100) samples, as the
/// LLaVA-OneVision loader does.
/// </summary>
public sealed record Sampling(SamplingKind Kind, double? Percent, long? Count)
{
    public static readonly Sampling All = new(SamplingKind.All, null, null);

    public static Sampling Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed == "all") return All;
        var colon = trimmed.IndexOf(':');
        var kind = colon < 0 ? null : trimmed[..colon] switch
        {
            "first" => SamplingKind.First,
            "end" => SamplingKind.End,
            "random" => (SamplingKind?)SamplingKind.Random,
            _ => null,
        };
        if (kind is null) throw new FormatException($"'{text}' is not a sampling strategy: all, first:N%, end:N%, random:N% or first:N / end:N / random:N (a count)");
        var amount = trimmed[(colon + 1)..].Trim();
        if (amount.EndsWith('%'))
        {
            if (!double.TryParse(amount[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or > 100 || double.IsNaN(percent))
                throw new FormatException($"'{text}': the percentage must be a number from 0 to 100");
            return new Sampling(kind.Value, percent, null);
        }
        if (!long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new FormatException($"'{text}': after '{trimmed[..colon]}:' comes a count (1000) or a percentage (10%)");
        return new Sampling(kind.Value, null, count);
    }

    /// <summary>How many of <paramref name="available"/> samples this takes.</summary>
    public long Take(long available) => Kind == SamplingKind.All
        ? available
        : Math.Min(available, Count ?? (long)Math.Ceiling(Percent!.Value * available / 100 - 1e-9));

    public override string ToString() => Kind == SamplingKind.All
        ? "all"
        : Kind.ToString().ToLowerInvariant() + ":" + (Count?.ToString(CultureInfo.InvariantCulture) ?? Percent!.Value.ToString(CultureInfo.InvariantCulture) + "%");
}
