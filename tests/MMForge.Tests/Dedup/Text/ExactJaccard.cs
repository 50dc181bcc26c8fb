using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup.Text;

/// <summary>The exact Jaccard similarity of two texts' sets of normalized character 5-grams, computed on strings, not hashes.</summary>
internal static class ExactJaccard
{
    public static double Of(string x, string y)
    {
        var a = Shingles(x);
        var b = Shingles(y);
        return (double)a.Intersect(b).Count() / a.Union(b).Count();
    }

    private static HashSet<string> Shingles(string text)
    {
        var buffer = new char[text.Length];
        var normalized = new string(buffer, 0, TextNormalizer.Normalize(text, buffer));
        return Enumerable.Range(0, Math.Max(1, normalized.Length - 4)).Select(i => normalized.Substring(i, Math.Min(5, normalized.Length))).ToHashSet();
    }
}
