using System.Globalization;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Synthesis.Annotations;

/// <summary>
/// Questions answered by a sample's box annotations alone, no model needed (the LLaVA/SVIT and
/// MMInstruct kinds that annotations can support):
/// <list type="bullet">
/// <item><c>counting</c>: how many of a category (up to <see cref="MaxCount"/>, beyond which counts in crowded scenes are unreliable);</item>
/// <item><c>existence</c>: one present and one absent category, so yes and no are balanced per image;</item>
/// <item><c>relative-position</c>: left or right, only between two single objects whose boxes do not overlap horizontally;</item>
/// <item><c>referring</c>: the box of a single object, as normalised [x1, y1, x2, y2] with three decimals, as LLaVA and SVIT write them;</item>
/// <item><c>multiple-choice</c>: a count among four options A-D.</item>
/// </list>
/// Every random choice is a hash of (seed, sample id, question), so a rerun gives the same questions.
/// </summary>
public sealed class AnnotationQuestions(ulong seed, IReadOnlyList<string> absentPool)
{
    public const int MaxCount = 10;

    public IReadOnlyList<GroundedQuestion> For(Sample sample)
    {
        var objects = AnnotatedObjects.Of(sample);
        if (objects.Count == 0) return [];
        var byCategory = objects.GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var questions = new List<GroundedQuestion>();
        var counted = Pick(byCategory.Where(g => g.Count() <= MaxCount).ToList(), sample.Id, 0);
        if (counted is not null)
        {
            questions.Add(new("counting", $"How many {Plural(counted.Key)} are there in the image?", Number(counted.Count())));
            questions.Add(MultipleChoice(counted.Key, counted.Count(), sample.Id));
        }
        var present = Pick(byCategory, sample.Id, 1)!;
        questions.Add(new("existence", Existence(present.Key), "Yes"));
        var absent = Pick(absentPool.Where(c => byCategory.All(g => g.Key != c)).ToList(), sample.Id, 2);
        if (absent is not null) questions.Add(new("existence", Existence(absent), "No"));
        var singles = byCategory.Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        if (Pick(singles, sample.Id, 3) is { } referred)
            questions.Add(new("referring", $"Give the bounding box of the {referred.Category} as [x1, y1, x2, y2].", BoxText(referred.Box)));
        if (SeparatedPair(singles, sample.Id) is var (a, b))
            questions.Add(new("relative-position", $"Is the {a.Category} to the left or to the right of the {b.Category}?", a.Box[2] < b.Box[0] ? "Left" : "Right"));
        return questions;
    }

    /// <summary>Normalised box coordinates with three decimals, as LLaVA and SVIT write them.</summary>
    public static string BoxText(double[] box) =>
        "[" + string.Join(", ", box.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture))) + "]";

    private GroundedQuestion MultipleChoice(string category, int count, string key)
    {
        // four consecutive counts around the true one, the true one at a seeded position
        var offset = (int)(StableRandom.Unit(seed, key, 10) * 4);
        var first = Math.Max(1, count - offset);
        var options = Enumerable.Range(first, 4).ToList();
        var letters = "ABCD";
        var text = string.Join(" ", options.Select((n, i) => $"{letters[i]}. {n}"));
        return new("multiple-choice", $"How many {Plural(category)} are there in the image? {text}\nAnswer with the option's letter.", letters[options.IndexOf(count)].ToString());
    }

    /// <summary>Two single objects whose boxes do not overlap horizontally, chosen by the seed; null when there are none.</summary>
    private (AnnotatedObject, AnnotatedObject)? SeparatedPair(List<AnnotatedObject> singles, string key)
    {
        var pairs = (from a in singles from b in singles
                     where a.Category != b.Category && (a.Box[2] < b.Box[0] || b.Box[2] < a.Box[0])
                     select (a, b)).ToList();
        return pairs.Count == 0 ? null : pairs[(int)(StableRandom.Unit(seed, key, 4) * pairs.Count)];
    }

    private T? Pick<T>(IReadOnlyList<T> items, string key, int question) where T : class =>
        items.Count == 0 ? null : items[(int)(StableRandom.Unit(seed, key, question) * items.Count)];

    /// <summary>"Is there a dog ...", "Is there an apple ...", and "Are there any skis ..." for category names that are already plural.</summary>
    private static string Existence(string category) =>
        category.EndsWith('s') && !category.EndsWith("ss", StringComparison.Ordinal) && category != "bus"
            ? $"Are there any {category} in the image?"
            : $"Is there {Article(category)} {category} in the image?";

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Article(string noun) => "aeiou".Contains(noun[0]) ? "an" : "a";

    /// <summary>The English plural the questions use ("people", "buses", "boxes", "ponies").</summary>
    public static string Plural(string noun) =>
        noun.EndsWith('s') || noun.EndsWith("sh", StringComparison.Ordinal) || noun.EndsWith("ch", StringComparison.Ordinal) ? noun + "es"
        : noun.EndsWith('y') && noun.Length > 1 && !"aeiou".Contains(noun[^2]) ? noun[..^1] + "ies"
        : noun == "person" ? "people" : noun + "s";
}
