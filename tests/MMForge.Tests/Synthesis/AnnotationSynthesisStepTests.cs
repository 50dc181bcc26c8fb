using System.Text.Json;
using MMForge.Filters;
using MMForge.Records;
using MMForge.Synthesis.Annotations;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis;

/// <summary>The annotations generator as a stage step and as the CLI runs it: pairs packed into samples that say what each pair is.</summary>
public class AnnotationSynthesisStepTests
{
    private static (IReadOnlyList<Sample> Replacements, (string Rule, string Reason)? Verdict) Run(Sample sample, int maxPairs)
    {
        IReadOnlyList<Sample> replacements = [];
        var step = new AnnotationSynthesisStep(new AnnotationQuestions(7, CocoCategories.Names), 7, maxPairs);
        var verdict = RuleSet.Of(step).Apply(sample, RuleContext.NoImageFiles, (_, _, _) => Assert.Fail("the step drops no turns"), r => replacements = r);
        return (replacements, verdict);
    }

    [Fact]
    public void EachImageIsReplacedBySamplesOfAtMostMaxPairsThatRecordEachPairsKindAndType()
    {
        foreach (var image in AnnotationQuestionsTests.Read(AnnotationQuestionsTests.LlavaCapsBoxes))
        {
            image.InstructionTags.Add(new InstructionTag("Perception/Coarse Perception", 0.9, "test")); // describes the old conversation, not the new one
            var expected = new AnnotationQuestions(7, CocoCategories.Names).For(image);
            var (samples, verdict) = Run(image, 3);

            Assert.Null(verdict);
            Assert.Equal(Enumerable.Range(1, (expected.Count + 2) / 3).Select(n => image.Id + "#annotations" + (n > 1 ? "-" + n : "")), samples.Select(s => s.Id));
            Assert.All(samples, s =>
            {
                Assert.InRange(s.Turns.Count, 2, 6);
                Assert.StartsWith(Sample.ImageToken + "\n", s.Turns[0].Value);
                Assert.Same(image.Annotations, s.Annotations);
                Assert.Empty(s.InstructionTags);
            });
            var turns = samples.SelectMany(s => s.Turns).ToList();
            Assert.Equal(expected.Select(q => q.Answer), turns.Where(t => t.Role == Roles.Gpt).Select(t => t.Value));
            Assert.Equal(expected.Select(q => q.Question), turns.Where(t => t.Role == Roles.Human).Select(t => t.Value.Replace(Sample.ImageToken + "\n", "")));

            var recorded = samples.Select(s => JsonDocument.Parse(s.Extra.Get("synthesis")!).RootElement).ToList();
            Assert.All(recorded, r => Assert.Equal(("annotations", 7UL), (r.GetProperty("generator").GetString(), r.GetProperty("seed").GetUInt64())));
            Assert.Equal(expected.Select(q => (q.Kind.Name, q.Kind.MMInstructType)),
                recorded.SelectMany(r => r.GetProperty("pairs").EnumerateArray()).Select(p => (p.GetProperty("kind").GetString()!, p.GetProperty(QuestionKind.MMInstructTypeKey).GetString()!)));
        }
    }

    [Fact]
    public void SamplesWithNothingToAskAboutAreRejectedWithTheReason()
    {
        var bare = new Sample { Id = "bare" };
        bare.Turns.Add(new Turn(Roles.Human, "Hi"));
        Assert.Equal("it has no box annotations or captions to ask about", Run(bare, 8).Verdict?.Reason);

        var unplaced = new Sample { Id = "pixels", Annotations = new Annotations() };
        unplaced.Images.Add(new ImageRef { Path = "a.jpg" });  // no size, so pixel boxes cannot be normalised
        unplaced.Annotations.Boxes.Add(new Box("dog", [10, 10, 50, 50], BoxFormat.XywhPixels));
        Assert.StartsWith("its boxes cannot be placed", Run(unplaced, 8).Verdict?.Reason);

        unplaced.Annotations.Captions.Add("A dog on a lawn.");
        var (samples, verdict) = Run(unplaced, 8);
        Assert.Null(verdict);
        Assert.Equal("A dog on a lawn.", samples.Single().Turns[1].Value);
    }

    [Fact]
    public void TheCliWritesEveryKindTheCocoBoxesSupportSplitByMaxTurns()
    {
        using var dir = TestPaths.NewTempDir();
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "ingest", TestPaths.Sample(AnnotationQuestionsTests.SahiCoco), "-o", dir.File("in")).ExitCode);

        var result = CliRunner.Run(TestPaths.RepoRoot, "synthesize", dir.File("in"), "-o", dir.File("out"), "--generator", "annotations", "--random-seed", "5", "--max-turns", "3");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var samples = Ingest.Samples(dir.File("out"));
        var pairs = samples.SelectMany(s => JsonDocument.Parse(s.Extra.Get("synthesis")!).RootElement.GetProperty("pairs").EnumerateArray()
            .Select(p => (Kind: p.GetProperty("kind").GetString(), Type: p.GetProperty(QuestionKind.MMInstructTypeKey).GetString()))).ToList();
        Assert.Equal(2, samples.Count(s => s.Id.EndsWith("#annotations", StringComparison.Ordinal)));   // two images
        Assert.Equal(2, samples.Count(s => s.Id.EndsWith("#annotations-2", StringComparison.Ordinal))); // more than three pairs each
        Assert.All(samples, s => Assert.InRange(s.Turns.Count, 2, 6));
        Assert.Equal(2, pairs.Count(p => p == ("detailed-objects", MMInstructTypes.LongVqa)));
        // one countable category per image: its count is asked once, as counting or as multiple choice
        Assert.Equal(2, pairs.Count(p => p == ("multiple-choice", MMInstructTypes.MultipleChoice) || p == ("counting", MMInstructTypes.ShortVqa)));
        Assert.Equal(4, pairs.Count(p => p == ("existence", MMInstructTypes.Judgement)));
        var answers = samples.SelectMany(s => s.Turns).Where(t => t.Role == Roles.Gpt).Select(t => t.Value).ToList();
        Assert.Contains("There are seven humans, the largest in the bottom left of the picture, covering less than a twentieth of it.", answers);
        Assert.Contains(answers, a => a.StartsWith("There are five cars, the largest in the ", StringComparison.Ordinal));
    }
}
