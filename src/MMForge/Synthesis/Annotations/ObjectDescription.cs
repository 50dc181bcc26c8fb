namespace MMForge.Synthesis.Annotations;

/// <summary>
/// A detailed description of an image's objects made from their boxes alone (the long visual QA
/// kind): for each category, the one whose largest object is largest first, how many there are
/// (up to <see cref="AnnotationQuestions.MaxCount"/>; more is "more than ten"), in which cell of a
/// 3x3 grid the centre of the largest lies, and how much of the picture its box covers. Every
/// sentence follows from the boxes; nothing is said that they do not show (colours, actions).
/// </summary>
public static class ObjectDescription
{
    private static readonly string[] Rows = ["top", "middle", "bottom"];
    private static readonly string[] Columns = ["left", "center", "right"];

    /// <summary>
    /// The shares of the picture a size is rounded to, largest first. The nearest on a log scale is
    /// taken (sizes are judged as ratios), so the word is within a factor of about 1.4 of the box's
    /// real share (of √2 at most); a box below the last share's bucket is said to cover less than it.
    /// </summary>
    public static IReadOnlyList<(double Share, string Words)> Shares { get; } =
    [
        (1.0, "almost all"), (3.0 / 4, "about three quarters"), (1.0 / 2, "about half"), (1.0 / 3, "about a third"),
        (1.0 / 4, "about a quarter"), (1.0 / 5, "about a fifth"), (1.0 / 10, "about a tenth"), (1.0 / 20, "about a twentieth"),
    ];

    public const string LessThanSmallestShare = "less than a twentieth";

    public static string Of(IReadOnlyList<AnnotatedObject> objects) => string.Join(" ",
        objects.GroupBy(o => o.Category)
            .Select(g => (Category: g.Key, Count: g.Count(), Largest: g.MaxBy(o => o.Area)!))
            .OrderByDescending(c => c.Largest.Area).ThenBy(c => c.Category, StringComparer.Ordinal)
            .Select(c => Sentence(c.Category, c.Count, c.Largest)));

    /// <summary>The cell of a 3x3 grid holding the box's centre: "top left", "middle right", "center", ...</summary>
    public static string Region(AnnotatedObject o)
    {
        var (row, column) = (Rows[Third(o.CenterY)], Columns[Third(o.CenterX)]);
        return row == "middle" && column == "center" ? "center" : $"{row} {column}";
    }

    /// <summary>How much of the picture the box covers, in words ("about a third").</summary>
    public static string Share(double area)
    {
        // the last share's bucket reaches down as far as it reaches up: a factor of √2
        if (area < Shares[^1].Share / Math.Sqrt(2)) return LessThanSmallestShare;
        return Shares.MinBy(s => Math.Abs(Math.Log(area / s.Share))).Words;
    }

    private static int Third(double position) => Math.Min(2, (int)(position * 3));

    /// <summary>One sentence per category: "There is a tie in the top center of the picture, covering about a tenth of it."</summary>
    private static string Sentence(string category, int count, AnnotatedObject largest)
    {
        var where = $"in the {Region(largest)} of the picture, covering {Share(largest.Area)} of it.";
        return count switch
        {
            1 when EnglishNouns.LooksPlural(category) => $"There are {category} {where}",
            1 => $"There is {EnglishNouns.Article(category)} {category} {where}",
            > AnnotationQuestions.MaxCount => $"There are more than {EnglishNouns.Number(AnnotationQuestions.MaxCount)} {EnglishNouns.Plural(category)}, the largest {where}",
            _ => $"There are {EnglishNouns.Number(count)} {EnglishNouns.Plural(category)}, the largest {where}",
        };
    }
}
