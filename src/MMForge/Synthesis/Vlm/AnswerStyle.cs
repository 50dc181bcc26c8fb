using System.Globalization;
using MMForge.Filters;

namespace MMForge.Synthesis.Vlm;

/// <summary>The three answer styles of Infinity-MM, for diversity.</summary>
public enum AnswerStyle
{
    /// <summary>A word or short phrase.</summary>
    Short,

    /// <summary>A brief explanation, then the answer.</summary>
    Brief,

    /// <summary>A detailed explanation, then the answer.</summary>
    Detailed,
}

/// <summary>
/// How often each answer style is chosen, written <c>short=1,brief=1,detailed=1</c> (weights,
/// not necessarily summing to 1; a style left out or weighted 0 is never chosen). Each question's
/// style is drawn from a stable hash of (seed, key), so a rerun chooses the same.
/// </summary>
public sealed class AnswerStyleMix
{
    private readonly double[] cumulative;

    public AnswerStyleMix(IReadOnlyDictionary<AnswerStyle, double> weights)
    {
        if (weights.Values.Any(w => !double.IsFinite(w) || w < 0)) throw new ArgumentException("answer style weights must be finite numbers of 0 or more");
        var total = weights.Values.Sum();
        if (total <= 0) throw new ArgumentException("at least one answer style needs a weight above 0");
        Weights = Enum.GetValues<AnswerStyle>().ToDictionary(s => s, s => weights.GetValueOrDefault(s));
        var running = 0.0;
        cumulative = [.. Enum.GetValues<AnswerStyle>().Select(s => running += Weights[s] / total)];
    }

    /// <summary>One of each, as Infinity-MM describes.</summary>
    public static AnswerStyleMix Even { get; } = Parse("short=1,brief=1,detailed=1");

    public IReadOnlyDictionary<AnswerStyle, double> Weights { get; }

    /// <exception cref="ArgumentException">Not of the form <c>style=weight,...</c> with known styles.</exception>
    public static AnswerStyleMix Parse(string text)
    {
        var weights = new Dictionary<AnswerStyle, double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !Enum.TryParse<AnswerStyle>(pieces[0], ignoreCase: true, out var style) || !Enum.IsDefined(style)
                || !double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
                throw new ArgumentException($"answer styles '{text}': '{part}' is not STYLE=WEIGHT with STYLE one of short, brief, detailed");
            weights[style] = weight;
        }
        return new AnswerStyleMix(weights);
    }

    public AnswerStyle Choose(ulong seed, string key)
    {
        var u = StableRandom.Unit(seed, key, 0);
        for (var i = 0; i < cumulative.Length; i++)
            if (u < cumulative[i] && Weights[(AnswerStyle)i] > 0) return (AnswerStyle)i;
        return Weights.Last(w => w.Value > 0).Key; // u within rounding of 1
    }

    public override string ToString() =>
        string.Join(",", Weights.Select(w => $"{w.Key.ToString().ToLowerInvariant()}={w.Value.ToString(CultureInfo.InvariantCulture)}"));
}
