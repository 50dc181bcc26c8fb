using System.Text.Json;
using MMForge.Pipeline;
using MMForge.Selection;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

public class SelectCliTests
{
    private const string Mixes = """
        mixes:
          - name: stage-1
            max_grid: 1
            sources:
              - source: "*"
          - name: stage-2a
            max_grid: 2
            max_visual_tokens: 40000
            sources:
              - source: coco2014_val_gpt4_qa_30x3
                sampling: random:50%
              - source: captions
                sampling: all
        """;

    /// <summary>
    /// Real data: the data-juicer sample images with captions, hashed (so their sizes are known),
    /// and LLaVA's GPT-4 QA on COCO, tagged (instruction types), pooled from two dataset directories.
    /// </summary>
    private static (string Captions, string Qa) Inputs(TempDir dir)
    {
        var repo = TestPaths.RepoRoot;
        var images = TestPaths.Sample("data-juicer", "images");
        File.WriteAllLines(dir.File("captions.jsonl"), Directory.GetFiles(images).Select(Path.GetFileName).Order().Select(name =>
            JsonSerializer.Serialize(new { id = name, image = name, conversations = new[] { new { from = "human", value = "<image>\nDescribe it." }, new { from = "gpt", value = "A picture of " + name } } })));
        Assert.Equal(0, CliRunner.Run(repo, "ingest", dir.File("captions.jsonl"), "--image-root", images, "-o", dir.File("ingested")).ExitCode);
        Assert.Equal(0, CliRunner.Run(repo, "hash", dir.File("ingested"), "-o", dir.File("captions")).ExitCode);
        Assert.Equal(0, CliRunner.Run(repo, "ingest", TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"), "--disable", "image-missing", "-o", dir.File("qa-in")).ExitCode);
        Assert.Equal(0, CliRunner.Run(repo, "tag", dir.File("qa-in"), "-o", dir.File("qa")).ExitCode);
        return (dir.File("captions"), dir.File("qa"));
    }

    [Fact]
    public void SelectsBalancedStageMixesFromRealDataThatInspectReads()
    {
        using var dir = TestPaths.NewTempDir();
        var (captions, qa) = Inputs(dir);
        File.WriteAllText(dir.File("mixes.yaml"), Mixes);
        string[] Args(string output) => ["select", captions, qa, "-o", dir.File(output), "--mixes", dir.File("mixes.yaml"),
            "--balance-by", "type-l1", "--cap-per-group", "40", "--seed", "5", "--workers", "2"];

        var run = CliRunner.Run(TestPaths.RepoRoot, Args("out"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        var index = MixDirectory.Load(dir.File("out"));
        Assert.Equal(["stage-1", "stage-2a"], index.Mixes.Select(m => m.Name));
        var stage1 = Ingest.Samples(Path.Combine(dir.File("out"), "stage-1"));
        var stage2 = Ingest.Samples(Path.Combine(dir.File("out"), "stage-2a"));
        // captions have no instruction type: one group of 11; the QA's types cap at 40 per group
        Assert.Equal(11, stage1.Count(s => s.Source == "captions"));
        Assert.All(stage1.GroupBy(s => s.InstructionTags.FirstOrDefault()?.Path.Split('/')[0]), g => Assert.InRange(g.Count(), 1, 40));
        Assert.Equal(stage1.Count * 729L, index.Mixes[0].VisualTokens);
        Assert.Equal(stage1.Count, index.Mixes[0].Records);
        // stage 2a: the hashed captions cost their AnyRes 2x2 tokens, the QA images (no size) 5 x 729 each, within the budget
        var grid2 = new MMForge.Media.VisualTokens.AnyResTokens(maxViews: 4, gridMax: 2);
        Assert.Equal(stage2.Sum(s => s.Images.Sum(i => i.Width is { } w ? (long)grid2.Count(w, i.Height!.Value).Tokens : 5 * 729)), index.Mixes[1].VisualTokens);
        Assert.InRange(index.Mixes[1].VisualTokens, 1, 40000);
        Assert.Contains("mix stage-2a (max_grid 2, max_views 5)", run.Stdout);

        foreach (var mix in index.Mixes)
        {
            var inspect = CliRunner.Run(TestPaths.RepoRoot, "inspect", MixDirectory.DatasetOf(dir.File("out"), mix));
            Assert.True(inspect.ExitCode == 0, inspect.Stderr);
            Assert.Equal(mix.Records, Manifest.Load(MixDirectory.DatasetOf(dir.File("out"), mix)).Records);
        }

        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, Args("again")).ExitCode);
        foreach (var file in Directory.GetFiles(dir.File("out"), "*", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(dir.File("again"), Path.GetRelativePath(dir.File("out"), file))));
    }

    [Fact]
    public void ABadMixFileIsAUsageErrorNamingTheLine()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("mixes.yaml"), "- name: stage-1\n  max_grid: 1\n  sources:\n    - source: caps\n      sampling: half\n");

        var run = CliRunner.Run(TestPaths.RepoRoot, "select", data, "-o", dir.File("out"), "--mixes", dir.File("mixes.yaml"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mixes.yaml:5: sampling: 'half' is not a sampling strategy", run.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void HelpExplainsEveryOption()
    {
        var help = CliRunner.Run(TestPaths.RepoRoot, "select", "--help");
        foreach (var option in new[] { "--mixes", "--seed", "--balance-by", "--target", "--cap-per-group", "--max-records", "--diversity", "--yes-no-balance", "--workers", "--shard", "--phase" })
            Assert.Contains(option, help.Stdout);
    }
}
