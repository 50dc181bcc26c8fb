using MMForge.Records;

namespace MMForge.Reports;

/// <summary>The length of a sample's text as the report counts it.</summary>
public static class ConversationText
{
    /// <summary>
    /// Characters (Unicode code points, so CJK and Latin text count alike) of every turn and of
    /// the plain text, with the <c>&lt;image&gt;</c> placeholders removed: what a reader sees.
    /// </summary>
    public static long Characters(Sample sample)
    {
        long total = sample.Text is { } text ? CodePoints(text) : 0;
        foreach (var turn in sample.Turns) total += CodePoints(turn.Value);
        return total;
    }

    private static long CodePoints(string value)
    {
        var placeholders = CountOf(value, Sample.ImageToken);
        return value.EnumerateRunes().Count() - placeholders * Sample.ImageToken.Length;
    }

    private static int CountOf(string value, string token)
    {
        var count = 0;
        for (var at = value.IndexOf(token, StringComparison.Ordinal); at >= 0; at = value.IndexOf(token, at + token.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
