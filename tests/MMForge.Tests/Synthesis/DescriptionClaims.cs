using System.Text.RegularExpressions;
using MMForge.Synthesis.Annotations;

namespace MMForge.Tests.Synthesis;

/// <summary>
/// Reads a detailed-objects description back into its claims (how many of each category, where
/// the largest lies, how much of the picture it covers) and checks each against the boxes,
/// without the generator's code: the grid cell from the box's centre, the size as a ratio bound.
/// </summary>
internal static partial class DescriptionClaims
{
    private static readonly string[] NumberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    private static readonly string[] Rows = ["top", "middle", "bottom"];
    private static readonly string[] Columns = ["left", "center", "right"];

    public static bool HoldFor(string description, IReadOnlyList<AnnotatedObject> objects)
    {
        Assert.EndsWith(".", description);
        var described = new List<string>();
        foreach (var sentence in description[..^1].Split(". "))
        {
            var match = Claim().Match(sentence);
            Assert.True(match.Success, "not a claim about a category: " + sentence);
            var (category, count) = CountClaim(match.Groups["count"].Value, objects);
            var actual = objects.Count(o => o.Category == category);
            Assert.True(count is { } n ? n == actual : actual > AnnotationQuestions.MaxCount, $"'{sentence}': there are {actual}");
            Assert.Equal(actual > 1, match.Groups["largest"].Success);
            PlaceHolds(match.Groups["region"].Value, match.Groups["share"].Value, objects.Where(o => o.Category == category).MaxBy(o => o.Area)!);
            described.Add(category);
        }
        // every category once, the one with the largest object first
        Assert.Equal(objects.Select(o => o.Category).Distinct().Order(), described.Order());
        var largestAreas = described.Select(c => objects.Where(o => o.Category == c).Max(o => o.Area)).ToList();
        Assert.Equal(largestAreas.OrderDescending(), largestAreas);
        return true;
    }

    /// <summary>The category a count claim is about and the count it claims (null for "more than ten").</summary>
    private static (string Category, int? Count) CountClaim(string claim, IReadOnlyList<AnnotatedObject> objects)
    {
        if (SingleCount().Match(claim) is { Success: true } single) return (single.Groups["c"].Value, 1);
        if (ManyCount().Match(claim) is { Success: true } many) return (FromPlural(many.Groups["p"].Value, objects), null);
        if (NumberCount().Match(claim) is { Success: true } counted)
            return (FromPlural(counted.Groups["p"].Value, objects), Array.IndexOf(NumberWords, counted.Groups["n"].Value));
        var pluralSingle = PluralSingleCount().Match(claim);
        Assert.True(pluralSingle.Success && EnglishNouns.LooksPlural(pluralSingle.Groups["c"].Value), "not a count: " + claim);
        return (pluralSingle.Groups["c"].Value, 1);
    }

    /// <summary>The box's centre lies in the named cell of a 3x3 grid, and its area is within a factor of 1.415 of the named share.</summary>
    private static void PlaceHolds(string region, string share, AnnotatedObject largest)
    {
        var (row, column) = region == "center" ? (1, 1) : (Array.IndexOf(Rows, region.Split(' ')[0]), Array.IndexOf(Columns, region.Split(' ')[1]));
        Assert.True(row >= 0 && column >= 0, "not a region: " + region);
        Assert.InRange(largest.CenterY, row / 3.0, (row + 1) / 3.0);
        Assert.InRange(largest.CenterX, column / 3.0, (column + 1) / 3.0);

        if (share == ObjectDescription.LessThanSmallestShare) Assert.True(largest.Area < 1.0 / 20, $"{share}: {largest.Area}");
        else Assert.InRange(largest.Area / ObjectDescription.Shares.Single(s => s.Words == share).Share, 1 / 1.415, 1.415);
    }

    private static string FromPlural(string plural, IReadOnlyList<AnnotatedObject> objects) =>
        objects.Select(o => o.Category).Distinct().Single(c => EnglishNouns.Plural(c) == plural);

    [GeneratedRegex("^There is an? (?<c>.+)$")]
    private static partial Regex SingleCount();

    [GeneratedRegex("^There are more than ten (?<p>.+)$")]
    private static partial Regex ManyCount();

    [GeneratedRegex("^There are (?<n>two|three|four|five|six|seven|eight|nine|ten) (?<p>.+)$")]
    private static partial Regex NumberCount();

    [GeneratedRegex("^There are (?<c>.+)$")]
    private static partial Regex PluralSingleCount();

    [GeneratedRegex("^(?<count>There .+?)(?<largest>, the largest)? in the (?<region>[a-z ]+) of the picture, covering (?<share>[a-z ]+) of it$")]
    private static partial Regex Claim();
}
