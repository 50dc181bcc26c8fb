using MMForge.Selection;

namespace MMForge.Tests.Selection;

public class MixFileTests
{
    [Fact]
    public void ListsMappingsAndJsonReadTheSame()
    {
        var list = MixFile.Parse("- name: stage-1\n  max_grid: 1\n  max_visual_tokens: 5000000\n  sources:\n    - source: coco\n      sampling: random:10%\n", "a.yaml");
        var mapping = MixFile.Parse("mixes:\n  - name: stage-1\n    max_grid: 1\n    max_visual_tokens: 5000000\n    sources: [{source: coco, sampling: \"random:10%\"}]\n", "b.yaml");
        var json = MixFile.Parse("""{"mixes": [{"name": "stage-1", "max_grid": 1, "max_visual_tokens": 5000000, "sources": [{"source": "coco", "sampling": "random:10%"}]}]}""", "c.json");

        foreach (var mixes in new[] { list, mapping, json })
        {
            var mix = Assert.Single(mixes);
            Assert.Equal(("stage-1", 1, 1, 5_000_000L), (mix.Name, mix.Limit.MaxGrid, mix.Limit.MaxViews, mix.MaxVisualTokens));
            Assert.Equal(new Sampling(SamplingKind.Random, 10, null), Assert.Single(mix.Sources).Sampling);
        }
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(3, 6)]
    [InlineData(4, 7)]
    [InlineData(6, 10)]
    public void ViewsDefaultToMethodsStageLimits(int grid, int views) =>
        Assert.Equal(views, MixFile.Parse($"- name: s\n  max_grid: {grid}\n  sources: [{{source: '*'}}]\n", "m.yaml")[0].Limit.MaxViews);

    [Theory]
    [InlineData("- name: s\n  sources: [{source: a}]\n  max_gird: 2\n", 3, "unknown key 'max_gird'")]
    [InlineData("- name: s\n  max_grid: two\n  sources: [{source: a}]\n", 2, "max_grid: expected a whole number")]
    [InlineData("- name: s\n  sources:\n    - source: a\n      sampling: some:10%\n", 4, "sampling: 'some:10%' is not a sampling strategy")]
    [InlineData("- name: s\n  sources:\n    - source: a\n      sampling: first:150%\n", 4, "percentage must be a number from 0 to 100")]
    [InlineData("- name: s\n  sources: coco\n", 2, "sources: expected a non-empty list")]
    [InlineData("- name: Stage 1\n  sources: [{source: a}]\n", 1, "is not a folder name")]
    [InlineData("- name: s\n  max_grid: 7\n  sources: [{source: a}]\n", 2, "max_grid must be from 1 to 6")]
    [InlineData("- name: s\n  max_grid: 1\n  max_views: 3\n  sources: [{source: a}]\n", 3, "max_views must be 1")]
    [InlineData("- name: s\n  sources:\n    - sampling: all\n", 3, "has no 'source'")]
    [InlineData("- name: s\n  sources: [{source: a}, {source: a}]\n", 2, "'a' is listed twice")]
    [InlineData("stages:\n  - name: s\n", 1, "unknown key 'stages' at the top level")]
    [InlineData("- name: s\n  sources: [{source: a}\n", 3, "not valid YAML")]
    public void BadMixFilesAreRejectedWithTheLineAndTheKey(string text, int line, string message)
    {
        var error = Assert.Throws<FormatException>(() => MixFile.Parse(text, "mixes.yaml"));
        Assert.StartsWith($"mixes.yaml:{line}: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("all", 25, 25)]
    [InlineData("first:10%", 25, 3)]
    [InlineData("end:50%", 25, 13)]
    [InlineData("random:100%", 25, 25)]
    [InlineData("random:0%", 25, 0)]
    [InlineData("first:30%", 30, 9)]
    [InlineData("first:7", 25, 7)]
    [InlineData("end:70", 25, 25)]
    public void SamplingTakesTheCeilingOfThePercentageOrTheCount(string text, long available, long taken) =>
        Assert.Equal(taken, Sampling.Parse(text).Take(available));

    [Theory]
    [InlineData("perception: 3\nreasoning: lots\n", "target.yaml:2: reasoning: expected a number of 0 or more, not 'lots'")]
    [InlineData("perception: 3\nperception: 1\n", "target.yaml:2: not valid YAML/JSON: Duplicate key")]
    [InlineData("- perception\n", "a target file is a mapping of group name to weight")]
    [InlineData("a: 0\n", "every weight is 0")]
    public void BadTargetFilesNameTheLine(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => TargetWeights.Parse(text, "target.yaml")).Message);
}
