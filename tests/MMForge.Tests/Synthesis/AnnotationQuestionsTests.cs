using System.Globalization;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Synthesis.Annotations;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis;

/// <summary>Every generated answer is checked against the annotations it came from, on real COCO and LLaVA data.</summary>
public class AnnotationQuestionsTests
{
    private static List<Sample> Read(string path) =>
        new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(path)).SelectMany(s => s.Records.Select(r => RecordDecoder.Decode(r, s.Codec).Sample!)).ToList();

    public static TheoryData<string> Inputs => new()
    {
        Path.Combine("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"),   // normalised boxes
        Path.Combine("sahi", "tests", "data", "coco_utils", "combined_coco.json"),            // COCO pixel boxes with image sizes
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryAnswerFollowsFromTheAnnotations(string input)
    {
        var generator = new AnnotationQuestions(7, CocoCategories.Names);
        var samples = Read(TestPaths.Sample(input.Split(Path.DirectorySeparatorChar)));
        var checkedAnswers = 0;
        foreach (var sample in samples)
        {
            var objects = AnnotatedObjects.Of(sample);
            foreach (var q in generator.For(sample))
            {
                Assert.True(Follows(q, objects), $"{sample.Id}: {q.Kind}: '{q.Question}' -> '{q.Answer}'");
                checkedAnswers++;
            }
        }
        Assert.True(checkedAnswers >= samples.Count, $"only {checkedAnswers} answers for {samples.Count} samples");
    }

    [Fact]
    public void YesAndNoAreBalancedAndChoicesAreSeeded()
    {
        var samples = Read(TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"));
        var existence = samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For).Where(q => q.Kind == "existence").ToList();
        Assert.Equal(existence.Count(q => q.Answer == "Yes"), existence.Count(q => q.Answer == "No"));

        var again = samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For).ToList();
        var other = samples.SelectMany(new AnnotationQuestions(8, CocoCategories.Names).For).ToList();
        Assert.Equal(samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For), again);
        Assert.NotEqual(again, other);
    }

    /// <summary>Recomputes the answer from the objects, independently of the generator.</summary>
    private static bool Follows(GroundedQuestion q, IReadOnlyList<AnnotatedObject> objects)
    {
        // the categories the question names (singular, or plural in counting questions), longest first ("hot dog" before "dog")
        var named = objects.Select(o => o.Category).Distinct()
            .Where(c => q.Question.Contains(" " + c + " ", StringComparison.Ordinal) || q.Question.Contains(" " + AnnotationQuestions.Plural(c) + " ", StringComparison.Ordinal))
            .OrderByDescending(c => c.Length).ToList();
        switch (q.Kind)
        {
            case "counting":
                return named.Count > 0 && objects.Count(o => o.Category == named[0]) == int.Parse(q.Answer, CultureInfo.InvariantCulture);
            case "multiple-choice":
            {
                var option = q.Question[(q.Question.IndexOf(q.Answer + ". ", StringComparison.Ordinal) + 3)..].Split(' ', '\n')[0];
                return objects.Count(o => o.Category == named[0]) == int.Parse(option, CultureInfo.InvariantCulture);
            }
            case "existence":
                return q.Answer == (named.Count > 0 ? "Yes" : "No");
            case "referring":
                return objects.Count(o => o.Category == named[0]) == 1 && AnnotationQuestions.BoxText(objects.Single(o => o.Category == named[0]).Box) == q.Answer;
            case "relative-position":
            {
                var first = q.Question.IndexOf(" to the ", StringComparison.Ordinal);
                var a = objects.Single(o => q.Question[..first].EndsWith(" " + o.Category, StringComparison.Ordinal));
                var b = objects.Single(o => q.Question.EndsWith(" " + o.Category + "?", StringComparison.Ordinal));
                return q.Answer == "Left" ? a.Box[2] < b.Box[0] : b.Box[2] < a.Box[0];
            }
            default:
                return false;
        }
    }
}
