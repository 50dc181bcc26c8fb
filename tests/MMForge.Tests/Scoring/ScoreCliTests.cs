using MMForge.FakeOpenAi;
using MMForge.Scoring;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Scoring;

public class ScoreCliTests
{
    [Fact]
    public async Task ScoreWritesLossesDropsTheTopFivePercentAndARerunAsksTheServerNothing()
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "ingest", TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"),
            "--disable", "image-missing", "-o", dir.File("in")).ExitCode);
        string[] scoreArgs(string output) => ["score", dir.File("in"), "-o", dir.File(output),
            "--endpoint", server.BaseUrl.ToString(), "--model", "Qwen/Qwen2-VL-7B-Instruct", "--model-cache", dir.File("cache.sqlite")];

        var first = CliRunner.Run(TestPaths.RepoRoot, scoreArgs("scored"));

        Assert.True(first.ExitCode == 0, first.Stderr + first.Stdout);
        Assert.Equal(86, Ingest.Samples(dir.File("scored")).Count(s => s.Scores.ContainsKey("loss")));
        var rejects = Ingest.Rejects(dir.File("scored"));
        Assert.Equal(4, rejects.Count); // floor(90 * 5%)
        Assert.All(rejects, r => Assert.Equal(LossScoreRule.TopPercentRule, r.GetProperty("rule").GetString()));
        Assert.Contains("loss cut of coco2014_val_gpt4_qa_30x3: 4 of 90 scored dropped, threshold", first.Stdout);
        Assert.Contains("90 calls", first.Stdout);
        Assert.All(server.Requests, r => Assert.StartsWith("<|im_start|>system\n", r.Prompt));

        var rerun = CliRunner.Run(TestPaths.RepoRoot, scoreArgs("again"));

        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(90, server.RequestCount);
        Assert.Contains("0 calls, 90 answered from the cache", rerun.Stdout);
    }

    [Fact]
    public void WithoutAModelTheCommandIsAUsageError()
    {
        using var dir = TestPaths.NewTempDir();

        var result = CliRunner.Run(TestPaths.RepoRoot, "score", dir.Path, "-o", dir.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--endpoint", result.Stderr);
    }
}
