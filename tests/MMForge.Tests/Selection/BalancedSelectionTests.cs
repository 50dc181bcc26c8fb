using FsCheck;
using FsCheck.Fluent;
using MMForge.Filters;
using MMForge.Selection;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

public class BalancedSelectionTests
{
    [Fact]
    public void UniformQuotasOverSourcesFillSmallGroupsAndShareTheRestEqually()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");

        var result = SelectionData.Select(dir.File("out"), new SelectOptions { Balance = new() { By = StratumKey.Source, MaxRecords = 120 } }, data);

        // 120 over three groups is 40 each; ocr has 20, so its 20 go to the other two
        Assert.Equal(new Dictionary<string, int> { ["caps"] = 50, ["vqa"] = 50, ["ocr"] = 20 }, SelectionData.BySource(SelectionData.MixSamples(dir.File("out"))));
        var mix = Assert.Single(result.Mixes.Mixes);
        Assert.Equal(120, mix.Records);
        Assert.Equal(new Dictionary<string, long> { ["over-group-quota"] = 80 }, mix.UnselectedByReason);
    }

    [Fact]
    public void PerGroupCapHoldsWithoutAnOverallMaximum()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");

        SelectionData.Select(dir.File("out"), new SelectOptions { Balance = new() { By = StratumKey.Source, CapPerGroup = 30 } }, data);

        Assert.Equal(new Dictionary<string, int> { ["caps"] = 30, ["vqa"] = 30, ["ocr"] = 20 }, SelectionData.BySource(SelectionData.MixSamples(dir.File("out"))));
    }

    [Fact]
    public void WeightsFileAndNaturalTargetsAreReachedOverInstructionTypes()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("target.yaml"), "perception: 3\nreasoning: 1\n");

        SelectionData.Select(dir.File("weighted"), new SelectOptions
        {
            Balance = new() { By = StratumKey.TypeL1, Target = TargetKind.Weights, Weights = TargetWeights.Load(dir.File("target.yaml")), MaxRecords = 80 },
        }, data);
        SelectionData.Select(dir.File("natural"), new SelectOptions { Balance = new() { By = StratumKey.TypeL1, Target = TargetKind.Natural, MaxRecords = 100 } }, data);

        int Type(string outDir, string l1) => SelectionData.MixSamples(outDir).Count(s => s.InstructionTags[0].Path.StartsWith(l1 + "/"));
        Assert.Equal((60, 20), (Type(dir.File("weighted"), "perception"), Type(dir.File("weighted"), "reasoning")));
        // the input is 140 perception to 60 reasoning: 7 to 3
        Assert.Equal((70, 30), (Type(dir.File("natural"), "perception"), Type(dir.File("natural"), "reasoning")));
    }

    [Fact]
    public void GroupsTheTargetDoesNotNameAreLeftOutAndCounted()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");

        var result = SelectionData.Select(dir.File("out"), new SelectOptions
        {
            Balance = new() { By = StratumKey.Source, Target = TargetKind.Weights, Weights = new Dictionary<string, double> { ["ocr"] = 1, ["nowhere"] = 1 } },
        }, data);

        Assert.Equal(new Dictionary<string, int> { ["ocr"] = 20 }, SelectionData.BySource(SelectionData.MixSamples(dir.File("out"))));
        Assert.Equal(180, result.Mixes.Mixes[0].UnselectedByReason["group-not-in-target"]);
        Assert.Contains(result.Warnings, w => w.Contains("'nowhere'"));
    }

    [Fact]
    public void DiversityCoversMoreDistinctTagsThanTheFirstSamples()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "caps", "caps");
        File.WriteAllText(dir.File("first.yaml"), "- name: selected\n  sources:\n    - source: caps\n      sampling: first:20\n");

        SelectionData.Select(dir.File("diverse"), new SelectOptions { Balance = new() { MaxRecords = 20, Diversity = true } }, data);
        SelectionData.Select(dir.File("first"), new SelectOptions { Mixes = MixFile.Load(dir.File("first.yaml")) }, data);

        int DistinctTags(string outDir) => SelectionData.MixSamples(outDir).SelectMany(s => s.ImageTags.Select(t => t.Tag)).Distinct().Count();
        Assert.Equal(20, SelectionData.MixSamples(dir.File("diverse")).Count);
        Assert.Equal(20, SelectionData.MixSamples(dir.File("first")).Count);
        Assert.Equal(2, DistinctTags(dir.File("first"))); // cat, indoor
        // greedy coverage: one cat/indoor sample, then 19 samples of unseen tags (their own tag and outdoor)
        Assert.Equal(2 + 19 + 1, DistinctTags(dir.File("diverse")));
    }

    [Fact]
    public void YesNoBalanceEqualisesTheAnswersAndKeepsOtherSamples()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");

        var result = SelectionData.Select(dir.File("out"), new SelectOptions { Balance = new() { YesNoBalance = true } }, data);

        var samples = SelectionData.MixSamples(dir.File("out"));
        var answers = samples.Select(YesNoBalanceRule.Answers).ToList();
        Assert.Equal(20, answers.Sum(a => a.Yes));
        Assert.Equal(20, answers.Sum(a => a.No));
        Assert.Equal(new Dictionary<string, int> { ["caps"] = 120, ["vqa"] = 40, ["ocr"] = 20 }, SelectionData.BySource(samples));
        Assert.Equal(new Dictionary<string, long> { ["yes-no-balance"] = 20 }, result.Mixes.Mixes[0].UnselectedByReason);
    }

    [Fact]
    public void QuotasNeverExceedWhatGroupsHoldAndReachTheTotal()
    {
        var cases = from sizes in Gen.Choose(0, 500).ListOf().Where(a => a.Count is > 0 and < 12)
                    from total in Gen.Choose(0, 3000)
                    from cap in Gen.Choose(1, 400)
                    select (Sizes: sizes, Total: total, Cap: cap);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Arb.From(cases), c =>
        {
            var weights = c.Sizes.Select((_, i) => (double)(i % 3 + 1)).ToList();
            var quotas = Quotas.Allocate(c.Sizes.Select(s => (long)s).ToList(), weights, c.Cap, c.Total);
            var reachable = Math.Min(c.Total, c.Sizes.Sum(s => Math.Min(s, c.Cap)));
            return quotas.Sum() == reachable && quotas.Zip(c.Sizes).All(q => q.First >= 0 && q.First <= Math.Min(q.Second, c.Cap));
        }));
    }

    [Fact]
    public void QuotasFollowTheWeightsWhereGroupsAreLargeEnough()
    {
        Assert.Equal([10, 45, 45], Quotas.Allocate([10, 500, 500], [1, 1, 1], null, 100));
        Assert.Equal([60, 20], Quotas.Allocate([140, 60], [3, 1], null, 80));
        Assert.Equal([34, 33, 33], Quotas.Allocate([100, 100, 100], [1, 1, 1], null, 100)); // the remainder goes to the first group
    }
}
