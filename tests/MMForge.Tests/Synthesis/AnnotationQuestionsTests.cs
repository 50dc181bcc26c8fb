using System.Globalization;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Synthesis.Annotations;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis;

/// <summary>Every generated answer is checked against the annotations it came from, on real COCO and LLaVA data.</summary>
public class AnnotationQuestionsTests
{
    internal static readonly string[] LlavaCapsBoxes = ["LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"];   // normalised boxes and five captions
    internal static readonly string[] SahiCoco = ["sahi", "tests", "data", "coco_utils", "combined_coco.json"];                  // COCO pixel boxes with image sizes

    internal static List<Sample> Read(string[] path) =>
        new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(TestPaths.Sample(path))).SelectMany(s => s.Records.Select(r => RecordDecoder.Decode(r, s.Codec).Sample!)).ToList();

    public static TheoryData<string[]> Inputs => new() { LlavaCapsBoxes, SahiCoco };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryAnswerFollowsFromTheAnnotations(string[] input)
    {
        var generator = new AnnotationQuestions(7, CocoCategories.Names);
        var samples = Read(input);
        var checkedAnswers = 0;
        foreach (var sample in samples)
        {
            var objects = AnnotatedObjects.Of(sample);
            foreach (var q in generator.For(sample))
            {
                Assert.True(Follows(q, objects, sample.Annotations!.Captions), $"{sample.Id}: {q.Kind.Name}: '{q.Question}' -> '{q.Answer}'");
                checkedAnswers++;
            }
        }
        Assert.True(checkedAnswers >= samples.Count, $"only {checkedAnswers} answers for {samples.Count} samples");
    }

    [Fact]
    public void CaptionsAndBoxDescriptionsAreAskedAboutWhereverTheAnnotationsHoldThem()
    {
        var generator = new AnnotationQuestions(7, CocoCategories.Names);
        var llava = Read(LlavaCapsBoxes).Select(s => (Sample: s, Questions: generator.For(s))).ToList();
        // every record has captions; three have no boxes, so only their caption is asked about
        Assert.All(llava, s => Assert.Single(s.Questions, q => q.Kind == QuestionKind.BriefDescription));
        Assert.Equal(77, llava.Count(s => s.Questions.Any(q => q.Kind == QuestionKind.DetailedObjects)));
        Assert.All(llava.Where(s => s.Sample.Annotations!.Boxes.Count == 0), s => Assert.Equal([QuestionKind.BriefDescription], s.Questions.Select(q => q.Kind)));
        // the long description comes last, after the short questions it would otherwise answer
        Assert.All(llava.Where(s => s.Sample.Annotations!.Boxes.Count > 0), s => Assert.Equal(QuestionKind.DetailedObjects, s.Questions[^1].Kind));

        var sahi = Read(SahiCoco).Select(generator.For).ToList();
        Assert.All(sahi, questions => Assert.Single(questions, q => q.Kind == QuestionKind.DetailedObjects));
        Assert.DoesNotContain(sahi.SelectMany(q => q), q => q.Kind == QuestionKind.BriefDescription);
    }

    [Fact]
    public void AnImageWithACocoCrowdBoxGetsNoBoxQuestions()
    {
        // one box of the first image made a crowd box: it stands for many objects, so no count or "largest" would be true
        using var dir = TestPaths.NewTempDir();
        var coco = File.ReadAllText(TestPaths.Sample(SahiCoco));
        var first = coco.IndexOf("\"iscrowd\": 0", StringComparison.Ordinal);
        File.WriteAllText(dir.File("crowd.json"), coco[..first] + "\"iscrowd\": 1" + coco[(first + "\"iscrowd\": 0".Length)..]);
        var samples = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(dir.File("crowd.json")))
            .SelectMany(s => s.Records.Select(r => RecordDecoder.Decode(r, s.Codec).Sample!)).ToList();
        var generator = new AnnotationQuestions(7, CocoCategories.Names);

        var crowded = samples.Single(s => s.Annotations!.Boxes.Any(b => b.Extra?.Get("iscrowd") == "1"));
        Assert.Empty(AnnotatedObjects.Of(crowded));
        Assert.Empty(generator.For(crowded));
        Assert.All(samples.Where(s => s != crowded), s => Assert.NotEmpty(generator.For(s)));
    }

    [Fact]
    public void YesAndNoAreBalancedAndChoicesAreSeeded()
    {
        var samples = Read(LlavaCapsBoxes);
        var existence = samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For).Where(q => q.Kind == QuestionKind.Existence).ToList();
        Assert.Equal(existence.Count(q => q.Answer == "Yes"), existence.Count(q => q.Answer == "No"));

        var again = samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For).ToList();
        var other = samples.SelectMany(new AnnotationQuestions(8, CocoCategories.Names).For).ToList();
        Assert.Equal(samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For), again);
        Assert.NotEqual(again, other);
    }

    [Fact]
    public void BriefDescriptionsSpreadOverTheCaptionsAndPhrasings()
    {
        var samples = Read(LlavaCapsBoxes);
        var briefs = samples.Select(s => (Sample: s, Brief: new AnnotationQuestions(7, CocoCategories.Names).For(s).Single(q => q.Kind == QuestionKind.BriefDescription))).ToList();
        var captionIndexes = briefs.Select(b => b.Sample.Annotations!.Captions.Select(c => c.Trim()).ToList().IndexOf(b.Brief.Answer)).ToList();
        Assert.All(Enumerable.Range(0, 5), i => Assert.Contains(i, captionIndexes));
        Assert.Equal(AnnotationQuestions.BriefRequests.Order(), briefs.Select(b => b.Brief.Question).Distinct().Order());
        var detailed = samples.SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For).Where(q => q.Kind == QuestionKind.DetailedObjects);
        Assert.Equal(AnnotationQuestions.DetailedRequests.Order(), detailed.Select(q => q.Question).Distinct().Order());
    }

    [Fact]
    public void EachKindHasTheMMInstructTypeItsAnswersTake()
    {
        var questions = Read(LlavaCapsBoxes).SelectMany(new AnnotationQuestions(7, CocoCategories.Names).For).ToList();
        Assert.All(questions, q => Assert.Equal(q.Kind switch
        {
            { Name: "existence" } => MMInstructTypes.Judgement,
            { Name: "multiple-choice" } => MMInstructTypes.MultipleChoice,
            { Name: "detailed-objects" } => MMInstructTypes.LongVqa,
            _ => MMInstructTypes.ShortVqa,
        }, q.Kind.MMInstructType));
        Assert.All(questions.Where(q => q.Kind.MMInstructType == MMInstructTypes.Judgement), q => Assert.Contains(q.Answer, new[] { "Yes", "No" }));
        Assert.All(questions.Where(q => q.Kind.MMInstructType == MMInstructTypes.MultipleChoice), q => Assert.Contains(q.Answer, new[] { "A", "B", "C", "D" }));
        Assert.Equal(4, questions.Select(q => q.Kind.MMInstructType).Distinct().Count());
    }

    [Fact]
    public void CategoriesAreReadAsWordsAndBoxesWithoutOneAreNotTrusted()
    {
        var sample = new Sample { Id = "x", Annotations = new Annotations() };
        sample.Annotations.Boxes.Add(new Box("Big_Vehicle", [0.1, 0.1, 0.4, 0.5], BoxFormat.XyxyNormalized));
        Assert.Equal("big vehicle", AnnotatedObjects.Of(sample).Single().Category);

        sample.Annotations.Boxes.Add(new Box(" _ ", [0.5, 0.1, 0.9, 0.5], BoxFormat.XyxyNormalized));
        Assert.Empty(AnnotatedObjects.Of(sample));
        Assert.Empty(new AnnotationQuestions(7, CocoCategories.Names).For(sample));
    }

    [Theory]
    [InlineData("person", "people")]
    [InlineData("bus", "buses")]
    [InlineData("wine glass", "wine glasses")]
    [InlineData("skis", "skis")]
    [InlineData("scissors", "scissors")]
    [InlineData("computer mouse", "computer mice")]
    [InlineData("pony", "ponies")]
    [InlineData("sheep", "sheep")]
    public void CategoryNamesArePluralisedAsEnglish(string noun, string plural) => Assert.Equal(plural, EnglishNouns.Plural(noun));

    /// <summary>Recomputes the answer from the annotations, independently of the generator.</summary>
    private static bool Follows(GroundedQuestion q, IReadOnlyList<AnnotatedObject> objects, IReadOnlyList<string> captions)
    {
        // the categories the question names (singular, or plural in counting questions), longest first ("hot dog" before "dog")
        var named = objects.Select(o => o.Category).Distinct()
            .Where(c => q.Question.Contains(" " + c + " ", StringComparison.Ordinal) || q.Question.Contains(" " + EnglishNouns.Plural(c) + " ", StringComparison.Ordinal))
            .OrderByDescending(c => c.Length).ToList();
        switch (q.Kind.Name)
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
            case "brief-description":
                return captions.Select(c => c.Trim()).Contains(q.Answer) && AnnotationQuestions.BriefRequests.Contains(q.Question);
            case "detailed-objects":
                return AnnotationQuestions.DetailedRequests.Contains(q.Question) && DescriptionClaims.HoldFor(q.Answer, objects);
            default:
                return false;
        }
    }
}
