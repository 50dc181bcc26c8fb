using System.CommandLine;
using System.Text.Json;
using MMForge.Cli.Commands;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Tagging.Correspondence;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.Correspondence;

/// <summary>
/// The map command, parsed and run in-process as 'mmforge map ...' would run it (the command
/// is registered in Program by the integrator; then CliTests can run it through the launcher).
/// </summary>
public class MapCommandTests
{
    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    private static Run Map(params string[] args)
    {
        var parsed = new RootCommand { MapCommand.Create() }.Parse(["map", .. args]);
        if (parsed.Errors.Count > 0) return new Run(2, "", string.Join("\n", parsed.Errors.Select(e => e.Message)));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The planted seed set as an mmforge dataset directory, made by the real ingest job.</summary>
    private static string SeedDataset(TempDir dir, int samples = 240)
    {
        var lines = PlantedSeed.Samples(samples).Select(Read.Canonical);
        File.WriteAllLines(dir.File("seed.jsonl"), lines);
        Ingest.Run(dir.File("seed"), [new SourceRequest(dir.File("seed.jsonl")) { Format = "mmforge" }], rules: RuleSet.Of());
        return dir.File("seed");
    }

    [Fact]
    public void FitWritesTheModelTheEngineFits()
    {
        using var dir = TestPaths.NewTempDir();
        var seed = SeedDataset(dir);
        var run = Map("fit", seed, "-o", dir.File("model.json"), "--min-support", "10", "--unit", "l3");
        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Contains("240 of 240 seed samples used", run.Stdout);
        Assert.Contains("12 types, 12 with at least 10 seed samples", run.Stdout);
        var expected = CorrespondenceModel.Fit(Ingest.Samples(seed), new CorrespondenceOptions { MinSupport = 10 });
        Assert.Equal(expected.ToJson(), File.ReadAllText(dir.File("model.json")));

        Assert.Equal(0, Map("fit", seed, "-o", dir.File("l2.json"), "--unit", "l2", "--tf", "sublinear", "--max-tags", "0", "--df-min-share", "0").ExitCode);
        var l2 = CorrespondenceModel.Load(dir.File("l2.json"));
        Assert.Equal((TypeLevel.L2, TfScheme.Sublinear, 0, 0.0), (l2.Options.Unit, l2.Options.Tf, l2.Options.MaxTagsPerType, l2.Options.DfMinShare));
    }

    [Fact]
    public void ExplainShowsTheBestTypesTheirTagsAndTheChoice()
    {
        using var dir = TestPaths.NewTempDir();
        Assert.Equal(0, Map("fit", SeedDataset(dir), "-o", dir.File("model.json")).ExitCode);

        var text = Map("explain", dir.File("model.json"), "menu,text:0.8,sign,person:0.4", "--top", "3", "--k", "1", "--temperature", "0");
        Assert.Equal(0, text.ExitCode);
        var lines = text.Stdout.Split('\n');
        Assert.StartsWith("image menu,text:0.8,sign,person:0.4: menu 0.8, text 0.8, sign 0.8, person 0.4", lines[0]);
        Assert.Contains("1. ", lines[1]);
        Assert.Contains(PlantedSeed.Ocr, lines[1]);
        Assert.Matches(@"because (menu|sign|text) 0\.\d+, (menu|sign|text) 0\.\d+, (menu|sign|text) 0\.\d+, person 0\.\d+$", lines[1]);
        Assert.Equal("  chosen: " + PlantedSeed.Ocr, lines[4]);

        var json = Map("explain", dir.File("model.json"), "dog,cat,person", "--json", "--k", "2", "--seed", "5");
        using var doc = JsonDocument.Parse(json.Stdout);
        var image = doc.RootElement[0];
        var best = image.GetProperty("types")[0];
        Assert.Equal(PlantedSeed.Animals, best.GetProperty("type").GetString());
        Assert.Equal(["cat", "dog"], best.GetProperty("contributions").EnumerateArray().Take(2).Select(c => c.GetProperty("tag").GetString()).Order());
        Assert.Equal(5, image.GetProperty("types").GetArrayLength()); // --top 5 by default; person matches every type
        Assert.Equal(2, image.GetProperty("chosen").GetArrayLength());
        Assert.Equal(json.Stdout, Map("explain", dir.File("model.json"), "dog,cat,person", "--json", "--k", "2", "--seed", "5").Stdout);
    }

    [Fact]
    public void ExplainOnADatasetExplainsItsFirstSamples()
    {
        using var dir = TestPaths.NewTempDir();
        var seed = SeedDataset(dir);
        Assert.Equal(0, Map("fit", seed, "-o", dir.File("model.json")).ExitCode);
        var run = Map("explain", dir.File("model.json"), seed, "--samples", "12", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var explained = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"seed-{i}"), explained.Select(e => e.GetProperty("image").GetString()));
        var samples = PlantedSeed.Samples(12);
        foreach (var (e, sample) in explained.Zip(samples))
            Assert.Equal(sample.InstructionTags[0].Path, e.GetProperty("types")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void UnreadableSeedRecordsAreReportedAndSkipped()
    {
        using var dir = TestPaths.NewTempDir();
        var seed = SeedDataset(dir, 60);
        var shard = Directory.GetFiles(Path.Combine(seed, "data")).Single();
        File.AppendAllText(shard, "{oops\n");
        var run = Map("fit", seed, "-o", dir.File("model.json"), "--min-support", "1");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("skipped unreadable record at", run.Stderr);
        Assert.Contains("malformed-json", run.Stderr);
        Assert.Contains("60 of 60 seed samples used", run.Stdout);
        Assert.True(File.Exists(dir.File("model.json")));
    }

    [Fact]
    public void BadUsageIsRefusedWithTheReason()
    {
        using var dir = TestPaths.NewTempDir();
        var seed = SeedDataset(dir, 60);
        Assert.Equal(2, Map("fit", seed, "-o", dir.File("m.json"), "--unit", "l4").ExitCode);
        Assert.Equal(2, Map("fit", seed).ExitCode); // no -o
        Assert.Contains("not an mmforge dataset", Assert.Throws<ArgumentException>(() => Map("fit", dir.Path, "-o", dir.File("m.json"))).Message);
        Assert.Contains("min-support", Assert.Throws<ArgumentException>(() => Map("fit", seed, "-o", dir.File("m.json"), "--min-support", "0")).Message);
        var empty = Map("fit", seed, "-o", dir.File("m.json"), "--min-support", "1000");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("no type has 1000 seed samples", empty.Stderr);
        Assert.Equal(2, Map("explain", dir.File("m.json"), "menu", "--temperature", "-1").ExitCode);
        Assert.Contains("'menu' must be a number of 0 or more, not 'x'", Assert.Throws<FormatException>(() => Map("explain", dir.File("m.json"), "menu:x")).Message);
        Assert.Throws<FormatException>(() => Map("explain", dir.File("m.json"), " , "));
        Assert.Throws<FileNotFoundException>(() => Map("explain", dir.File("none.json"), "menu"));
    }

    [Fact]
    public void TagListsParseWithOptionalScores()
    {
        Assert.Equal([("menu", 0.9), ("text", 0.5), ("sign", 0.9)], MapCommand.ParseTags("menu:0.9, text:0.5,sign"));
        Assert.Equal([("zebra crossing", 2.0), ("a:b", 2.0)], MapCommand.ParseTags("zebra crossing,a:b:2"));
        Assert.Throws<FormatException>(() => MapCommand.ParseTags(":3"));
        Assert.Throws<FormatException>(() => MapCommand.ParseTags("menu:-1"));
        Assert.Throws<FormatException>(() => MapCommand.ParseTags("menu:NaN"));
    }
}
