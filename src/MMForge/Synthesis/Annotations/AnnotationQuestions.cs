using System.Globalization;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Synthesis.Annotations;

/// <summary>
/// Questions answered by a sample's annotations alone, no model needed (the LLaVA/SVIT and
/// MMInstruct kinds that annotations can support), short ones first and the long description last:
/// <list type="bullet">
/// <item><c>counting</c>: how many of a category (up to <see cref="MaxCount"/>, beyond which counts in crowded scenes are unreliable);</item>
/// <item><c>multiple-choice</c>: a count among four options A-D, of another category than the counting question (or instead of it when there is one category to count);</item>
/// <item><c>existence</c>: one present and one absent category, so yes and no are balanced per image;</item>
/// <item><c>referring</c>: the box of a single object, as normalised [x1, y1, x2, y2] with three decimals, as LLaVA and SVIT write them;</item>
/// <item><c>relative-position</c>: left or right, only between two single objects whose boxes do not overlap horizontally;</item>
/// <item><c>brief-description</c>: one of the image's captions, when it has any;</item>
/// <item><c>detailed-objects</c>: the <see cref="ObjectDescription"/> of all the boxes.</item>
/// </list>
/// Box questions need boxes <see cref="AnnotatedObjects"/> can trust; captions are asked about
/// regardless. Every random choice is a hash of (seed, sample id, question), so a rerun gives the
/// same questions.
/// </summary>
public sealed class AnnotationQuestions(ulong seed, IReadOnlyList<string> absentPool)
{
    public const int MaxCount = 10;

    /// <summary>The phrasings of the brief-description request, one chosen per image.</summary>
    public static IReadOnlyList<string> BriefRequests { get; } =
    [
        "Describe the image briefly.",
        "Give a short description of the image.",
        "Write a short caption for this picture.",
        "What does the image show? Answer briefly.",
        "Summarize the content of the picture.",
    ];

    /// <summary>The phrasings of the detailed-objects request, one chosen per image.</summary>
    public static IReadOnlyList<string> DetailedRequests { get; } =
    [
        "Describe the objects in the image and where they are.",
        "What objects does the image show, and where is each of them?",
        "Give a detailed account of the objects in the picture: how many there are of each and where they lie.",
    ];

    public IReadOnlyList<GroundedQuestion> For(Sample sample)
    {
        var objects = AnnotatedObjects.Of(sample);
        var questions = new List<GroundedQuestion>();
        if (objects.Count > 0) AddBoxQuestions(objects, sample.Id, questions);
        var captions = sample.Annotations?.Captions.Select(c => c.Trim()).Where(c => c.Length > 0).ToList() ?? [];
        if (Pick(captions, sample.Id, 5) is { } caption)
            questions.Add(new(QuestionKind.BriefDescription, Pick(BriefRequests, sample.Id, 6)!, caption));
        if (objects.Count > 0)
            questions.Add(new(QuestionKind.DetailedObjects, Pick(DetailedRequests, sample.Id, 7)!, ObjectDescription.Of(objects)));
        return questions;
    }

    private void AddBoxQuestions(IReadOnlyList<AnnotatedObject> objects, string key, List<GroundedQuestion> questions)
    {
        var byCategory = objects.GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var countable = byCategory.Where(g => g.Count() <= MaxCount).ToList();
        // One count question per category: asked twice, the conversation would already hold the
        // answer. With two countable categories both forms are asked; with one, the seed picks the form.
        if (Pick(countable, key, 0) is { } counted)
        {
            var other = Pick(countable.Where(g => g.Key != counted.Key).ToList(), key, 8);
            var asCount = other is not null || StableRandom.Unit(seed, key, 9) < 0.5;
            if (asCount)
                questions.Add(new(QuestionKind.Counting, $"How many {EnglishNouns.Plural(counted.Key)} are there in the image?", counted.Count().ToString(CultureInfo.InvariantCulture)));
            if ((other ?? (asCount ? null : counted)) is { } chosen) questions.Add(MultipleChoice(chosen.Key, chosen.Count(), key));
        }
        var present = Pick(byCategory, key, 1)!;
        questions.Add(new(QuestionKind.Existence, Existence(present.Key), "Yes"));
        var absent = Pick(absentPool.Where(c => byCategory.All(g => g.Key != c)).ToList(), key, 2);
        if (absent is not null) questions.Add(new(QuestionKind.Existence, Existence(absent), "No"));
        var singles = byCategory.Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        if (Pick(singles, key, 3) is { } referred)
            questions.Add(new(QuestionKind.Referring, $"Give the bounding box of the {referred.Category} as [x1, y1, x2, y2].", BoxText(referred.Box)));
        if (SeparatedPair(singles, key) is var (a, b))
            questions.Add(new(QuestionKind.RelativePosition, $"Is the {a.Category} to the left or to the right of the {b.Category}?", a.Box[2] < b.Box[0] ? "Left" : "Right"));
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
        return new(QuestionKind.MultipleChoice, $"How many {EnglishNouns.Plural(category)} are there in the image? {text}\nAnswer with the option's letter.", letters[options.IndexOf(count)].ToString());
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
        EnglishNouns.LooksPlural(category)
            ? $"Are there any {category} in the image?"
            : $"Is there {EnglishNouns.Article(category)} {category} in the image?";
}
