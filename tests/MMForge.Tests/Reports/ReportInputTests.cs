using MMForge.Recipes;
using MMForge.Reports;
using MMForge.Selection;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Reports;

/// <summary>Mix directories and runs ending in a selection, broken images, bad inputs, and the command line.</summary>
public class ReportInputTests(SampleRun run) : IClassFixture<SampleRun>
{
    [Fact]
    public void ARunEndingInASelectionDrawsItsDistributionsFromTheMixes()
    {
        using var dir = TestPaths.NewTempDir();
        var runDir = dir.File("run");
        CopyDirectory(run.Dir, runDir);
        var mixes = dir.File("run/select");
        CopyDirectory(run.StageDir("tag"), Path.Combine(mixes, "stage-1"));
        CopyDirectory(run.StageDir("dedup"), Path.Combine(mixes, "stage-2"));
        var tagged = MMForge.Pipeline.Manifest.Load(run.StageDir("tag")).Records;
        new MixDirectory
        {
            Mixes =
            [
                new MixInfo { Name = "stage-1", Dir = "stage-1", Records = tagged, VisualTokens = 1000, MaxGrid = 1 },
                new MixInfo { Name = "stage-2", Dir = "stage-2", Records = tagged, VisualTokens = 2000 },
            ],
        }.Save(mixes);
        var file = RunFile.Load(runDir);
        file.Stages.Add(new RunStage { Name = "select", Command = "select", Kind = StageOutputKind.Mixes, Output = "select", Inputs = ["tag"] });
        file.Save(runDir);

        var report = ReportBuilder.Build(runDir);

        Assert.Equal(["ingest", "hash", "dedup", "tag", "select"], report.Funnel.Select(f => f.Stage));
        Assert.Equal(2 * tagged, report.Funnel[^1].Records);
        Assert.Equal(2 * tagged, report.Totals.Samples);
        Assert.Equal([("stage-1", 1000L, 1), ("stage-2", 2000L, (int?)null)], report.Mixes.Select(m => (m.Name, m.VisualTokens, m.MaxGrid)));
        Assert.Equal(report.Mixes[0].Images, report.Mixes[1].Images);
        Assert.Contains(report.Gallery, g => g.Mix == "stage-2");
        // stage-1 is the tagged dataset, stage-2 the dedup output before tagging
        var taggedL1 = ReportBuilder.Build(run.StageDir("tag")).Tags.InstructionTypes["l1"].Select(t => (t.Type, t.Count));
        Assert.Equal(taggedL1, report.Mixes[0].L1Types.Select(t => (t.Type, t.Count)));
        Assert.Empty(report.Mixes[1].L1Types);

        var mixReport = ReportBuilder.Build(mixes);
        Assert.Equal("mixes", mixReport.Input);
        Assert.Equal(["ingest", "hash", "dedup", "tag", "select"], mixReport.Funnel.Select(f => f.Stage));
    }

    [Fact]
    public void MissingUndecodableAndEscapingImagesBecomePlaceholders()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = dir.File("dataset");
        CopyDirectory(run.StageDir("tag"), dataset);
        var shard = Directory.GetFiles(Path.Combine(dataset, "data")).Single();
        // the images root of the copied dataset is the run's; point three records elsewhere
        var text = File.ReadAllText(shard)
            .Replace("\"images/cat.jpg\"", "\"images/no-such-cat.jpg\"")
            .Replace("\"images/blip.jpg\"", "\"../../../../etc/hostname\"")
            .Replace("\"images/img1.png\"", "\"images/broken.png\"");
        File.WriteAllText(shard, text);
        var root = MMForge.Pipeline.Manifest.Load(dataset).ImageRoots["captions"];
        File.WriteAllText(Path.Combine(root, "images", "broken.png"), "not an image");

        var report = ReportBuilder.Build(dataset, options: new ReportOptions { GallerySize = 100 });

        var images = report.Gallery.SelectMany(g => g.Images).GroupBy(i => i.Name).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal("file missing", images["images/no-such-cat.jpg"].Missing);
        Assert.Contains("leaves the image root", images["../../../../etc/hostname"].Missing);
        Assert.StartsWith("cannot be decoded", images["images/broken.png"].Missing);
        Assert.All(new[] { "images/no-such-cat.jpg", "../../../../etc/hostname", "images/broken.png" }, name => Assert.Null(images[name].DataUri));
        Assert.Contains("class=\"placeholder\"", ReportPage.Render(report));
    }

    [Fact]
    public void RunStagesMustKeepTheirDatasetsInsideTheRunDirectory()
    {
        using var dir = TestPaths.NewTempDir();
        var file = RunFile.Load(run.Dir);
        file.Stages.Insert(1, new RunStage { Name = "map", Command = "map fit", Kind = StageOutputKind.Files, Output = "/somewhere/else/model.json" });
        file.Save(dir.Path);
        foreach (var stage in SampleRun.Stages) CopyDirectory(run.StageDir(stage), Path.Combine(dir.Path, stage));

        Assert.Equal(SampleRun.Stages, ReportBuilder.Build(dir.Path).Funnel.Select(f => f.Stage)); // a Files stage is not read, wherever it wrote

        file.Stages[^1].Output = "../tag";
        file.Save(dir.Path);
        var refused = Assert.Throws<FormatException>(() => ReportBuilder.Build(dir.Path));
        Assert.Contains("stage tag: output '../tag' is outside the run directory", refused.Message);
    }

    [Fact]
    public void ADirectoryThatIsNoneOfTheThreeIsAUsageError()
    {
        using var dir = TestPaths.NewTempDir();

        Assert.Throws<ArgumentException>(() => ReportBuilder.Build(dir.Path));
        var result = CliRunner.Run(TestPaths.RepoRoot, "report", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a run directory", result.Stderr);
    }

    [Fact]
    public void ReportCommandWritesBothFilesIntoTheOutputDirectory()
    {
        using var dir = TestPaths.NewTempDir();

        var result = CliRunner.Run(TestPaths.RepoRoot, "report", run.Dir, "-o", dir.File("out"), "--gallery", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("report: run run:", result.Stdout);
        Assert.True(File.Exists(dir.File("out/report.html")));
        var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("out/report.json"))).RootElement;
        Assert.Equal(3, report.GetProperty("gallery").GetArrayLength());
        Assert.Equal(4, report.GetProperty("funnel").GetArrayLength());
        var help = CliRunner.Run(TestPaths.RepoRoot, "report", "--help");
        foreach (var option in new[] { "--output", "--gallery", "--top-tags", "--heatmap-tags" }) Assert.Contains(option, help.Stdout);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
