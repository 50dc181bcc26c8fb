using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Tests.Filters;

public class RuleTests
{
    private static readonly RuleContext Context = new() { ImageFile = _ => null, SampleKey = () => "k" };

    private static Sample Dialogue(int images, params string[] turns)
    {
        var s = new Sample { Id = "1" };
        for (var i = 0; i < images; i++) s.Images.Add(ImageRef.FromPath($"{i}.jpg"));
        for (var i = 0; i < turns.Length; i++) s.Turns.Add(new Turn(i % 2 == 0 ? Roles.Human : Roles.Gpt, turns[i]));
        return s;
    }

    private static (string Rule, string Reason)? Validate(Sample s, RuleSet? rules = null, List<string>? dropped = null) =>
        (rules ?? new RuleSet()).Apply(s, Context, (rule, _, _) => dropped?.Add(rule));

    [Fact]
    public void MissingPlaceholderIsInsertedAtTheStartOfTheFirstQuestion()
    {
        var s = Dialogue(2, "What differs?", "The colour.");
        Assert.Null(Validate(s));
        Assert.Equal("<image>\n<image>\nWhat differs?", s.Turns[0].Value);
        Assert.Contains("validate:image-token-repair", s.Provenance.Stages);
    }

    [Fact]
    public void WrongPlaceholderCountIsRejectedWithTheCounts()
    {
        var verdict = Validate(Dialogue(1, "<image> and <image>?", "no"));
        Assert.Equal(("image-token-count", "2 <image> placeholder(s) for 1 image(s)"), verdict);
        Assert.Equal("image-token-count", Validate(Dialogue(0, "<image> what?", "x"))!.Value.Rule);
    }

    [Fact]
    public void EmptyAnswerDropsItsQuestionAndThePlaceholderIsRestored()
    {
        var dropped = new List<string>();
        var s = Dialogue(1, "<image>\nFirst?", "  ", "Second?", "Yes");
        Assert.Null(Validate(s, dropped: dropped));
        Assert.Equal(["empty-turns"], dropped);
        Assert.Equal(["<image>\nSecond?", "Yes"], s.Turns.Select(t => t.Value));
    }

    [Fact]
    public void NothingLeftRejectsTheRecordAndKeepsItWhole()
    {
        var s = Dialogue(0, "", "answer");
        Assert.Equal("empty-turns", Validate(s)!.Value.Rule);
        Assert.Equal(2, s.Turns.Count);
    }

    [Theory]
    [InlineData(new[] { "gpt", "human" }, "turn 1 has role 'gpt'")]
    [InlineData(new[] { "human", "human" }, "turn 2 has role 'human'")]
    [InlineData(new[] { "human", "gpt", "human" }, "question without an answer")]
    [InlineData(new[] { "system" }, "only system turns")]
    public void RolesMustAlternateFromHuman(string[] roles, string reason)
    {
        var s = new Sample();
        foreach (var role in roles) s.Turns.Add(new Turn(role, "text"));
        var verdict = Validate(s);
        Assert.Equal("role-alternation", verdict!.Value.Rule);
        Assert.Contains(reason, verdict.Value.Reason);
    }

    [Fact]
    public void SystemTurnsMayLeadTheDialogue()
    {
        var s = new Sample();
        s.Turns.AddRange([new Turn(Roles.System, "be brief"), new Turn(Roles.Human, "hi"), new Turn(Roles.Gpt, "hello")]);
        Assert.Null(Validate(s));
    }

    [Fact]
    public void OptionalRulesAreOffUntilEnabled()
    {
        Assert.Null(Validate(Dialogue(0, "Hi?", "Answer: yes")));
        var rules = new RuleSet(enable: ["short-question", "answer-in-question"]);
        var dropped = new List<string>();
        var s = Dialogue(0, "Hi?", "x", "Question. Answer: 4", "4", "What is shown in the picture?", "a cat");
        Assert.Null(Validate(s, rules, dropped));
        Assert.Equal(["answer-in-question", "short-question"], dropped);
        Assert.Equal(2, s.Turns.Count);
    }

    [Fact]
    public void UnknownRuleNamesAreAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => new RuleSet(disable: ["no-such-rule"]));
        Assert.Contains("image-token-count", e.Message);
    }

    [Fact]
    public void YesNoBalanceDropsYesAnswersTowardTheNoCountDeterministically()
    {
        List<Sample> Make() => Enumerable.Range(0, 400).Select(i => Dialogue(0, "Is it?", i < 300 ? "Yes." : "No", "Why?", "because")).ToList();
        List<int> Kept(ulong seed)
        {
            var rules = new RuleSet(enable: ["yes-no-balance"]);
            var samples = Make();
            samples.ForEach(rules.Balance!.Observe);
            Assert.Equal((300, 100), (rules.Balance.Yes, rules.Balance.No));
            var keptYes = new List<int>();
            for (var i = 0; i < samples.Count; i++)
            {
                var context = new RuleContext { ImageFile = _ => null, Seed = seed, SampleKey = () => $"f:{i}" };
                rules.Apply(samples[i], context, (_, _, _) => { });
                if (samples[i].Turns.Any(t => t.Value == "Yes.")) keptYes.Add(i);
            }
            return keptYes;
        }
        var kept = Kept(7);
        Assert.InRange(kept.Count, 70, 130); // expected 100 = 300 * #No/#Yes
        Assert.Equal(kept, Kept(7));
        Assert.NotEqual(kept, Kept(8));
    }
}
