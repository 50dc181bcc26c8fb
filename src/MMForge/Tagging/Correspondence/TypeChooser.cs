using MMForge.Filters;

namespace MMForge.Tagging.Correspondence;

/// <summary>
/// Picks which instruction types to synthesise for an image from its ranked scores: k distinct
/// types drawn without replacement from softmax(r / temperature), where r = score / best score,
/// so temperature means the same on every image whatever its tags' overall strength (0.1: a type
/// at half the best score is e^-5 times less likely than the best). Temperature 0 takes the top k.
/// </summary>
public static class TypeChooser
{
    /// <summary>
    /// Draws with the Gumbel-top-k trick: each type's key is r / temperature + G, G a Gumbel
    /// variate made from a stable hash of (seed, sampleKey, type), and the k largest keys win;
    /// that is exactly k successive draws without replacement from the softmax. The same
    /// (seed, sampleKey) gives the same types on every run and machine, and a type's draw does
    /// not depend on which other types are listed. Returns at most k types, in the order drawn
    /// from best key down; types with a score of 0 or less are never chosen.
    /// </summary>
    public static IReadOnlyList<TypeScore> Choose(IReadOnlyList<TypeScore> scores, int k, double temperature, ulong seed, string sampleKey)
    {
        if (k < 0) throw new ArgumentException($"k must be 0 or more, not {k}");
        if (!double.IsFinite(temperature) || temperature < 0) throw new ArgumentException($"temperature must be a finite number of 0 or more, not {temperature}");
        var candidates = scores.Where(s => s.Score > 0 && double.IsFinite(s.Score)).ToList();
        if (candidates.Count == 0 || k == 0) return [];
        var best = candidates.Max(s => s.Score);
        var keyed = candidates.Select(s => (Type: s, Key: temperature == 0 ? s.Score : s.Score / best / temperature + Gumbel(seed, sampleKey, s.Type)));
        return keyed.OrderByDescending(c => c.Key).ThenBy(c => c.Type.Type, StringComparer.Ordinal).Take(k).Select(c => c.Type).ToList();
    }

    /// <summary>A standard Gumbel variate, -ln(-ln u), with u uniform in (0, 1) from the hash.</summary>
    private static double Gumbel(ulong seed, string sampleKey, string type)
    {
        var u = StableRandom.Unit(seed, sampleKey + "\0" + type, 0);
        u = Math.Max(u, double.Epsilon); // Unit can return 0 exactly; ln(0) would make the key -infinity
        return -Math.Log(-Math.Log(u));
    }
}
