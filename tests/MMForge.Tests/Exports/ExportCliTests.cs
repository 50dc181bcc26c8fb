using System.Text.Json;
using MMForge.Selection;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Exports;

/// <summary>The <c>mmforge export</c> command on a mix directory built from datasets that <c>mmforge ingest</c> made of ../shared/samples.</summary>
public sealed class ExportCliTests
{
    /// <summary>mix/stage-1: the Qwen3-VL chart QA (3 samples, 2 images); mix/stage-2a: the same plus the ChatML dialogues (4, with system turns).</summary>
    private static string BuildMix(TempDir dir)
    {
        var qwen = TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json");
        var root = TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune");
        var chatml = TestPaths.Sample("data-juicer", "demo-dataset-chatml.jsonl");
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", qwen, "--image-root", root, "-o", "mix/stage-1").ExitCode);
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", qwen, chatml, "--image-root", root, "-o", "mix/stage-2a").ExitCode);
        new MixDirectory
        {
            Mixes = [new MixInfo { Name = "stage-1", Dir = "stage-1", Records = 3 }, new MixInfo { Name = "stage-2a", Dir = "stage-2a", Records = 7 }],
        }.Save(dir.File("mix"));
        return dir.File("mix");
    }

    [Fact]
    public void AMixDirectoryExportsEveryStageWithImagesSharedAcrossThem()
    {
        using var dir = TestPaths.NewTempDir();
        BuildMix(dir);

        var lf = CliRunner.Run(dir.Path, "export", "mix", "--to", "llama-factory", "-o", "lf");
        Assert.Equal(0, lf.ExitCode);
        Assert.Contains("10 records written, 0 rejected", lf.Stdout);
        Assert.Contains("stage-2a.json: 7 records", lf.Stdout);
        var info = JsonDocument.Parse(File.ReadAllText(dir.File("lf/dataset_info.json"))).RootElement;
        Assert.Equal(["stage-1", "stage-2a"], info.EnumerateObject().Select(e => e.Name));
        Assert.Equal(2, Directory.GetFiles(dir.File("lf/images"), "*", SearchOption.AllDirectories).Length); // the two charts, stored once for both stages
        var exported = MMForge.Exports.ExportManifest.Load(dir.File("lf"));
        Assert.Equal(("llama-factory", "copy"), (exported.Format, exported.Images));
        Assert.Equal([("stage-1", "stage-1.json", 3L), ("stage-2a", "stage-2a.json", 7L)], exported.Parts.Select(p => (p.Name, p.RecordsFile, p.Records)));
        Assert.Equal((2L, 4L), (exported.ImageCounts.Copied, exported.ImageCounts.Deduplicated));
        var back = Read.All(dir.File("lf/dataset_info.json"));
        Assert.Empty(back.Errors);
        Assert.Equal(10, back.Samples.Count);
        Assert.All(back.Samples.SelectMany(s => s.Images), i => Assert.True(File.Exists(dir.File("lf/" + i.Path))));

        // one data YAML per stage; the ChatML system turns are refused for LLaVA-OneVision, with reasons
        var ov = CliRunner.Run(dir.Path, "export", "mix", "--to", "llava-onevision", "-o", "ov", "--name", "aquila", "--images", "hardlink");
        Assert.Equal(1, ov.ExitCode);
        Assert.Contains("rejected by unwritable: 4", ov.Stdout);
        Assert.Contains("rejects/aquila-stage-2a.jsonl", ov.Stdout);
        foreach (var stage in new[] { "aquila-stage-1", "aquila-stage-2a" })
        {
            Assert.Contains($"json_path: {stage}.json", File.ReadAllText(dir.File($"ov/{stage}.yaml")));
            Assert.Equal(3, JsonDocument.Parse(File.ReadAllText(dir.File($"ov/{stage}.json"))).RootElement.GetArrayLength());
        }
        Assert.Equal(4, File.ReadAllLines(dir.File("ov/rejects/aquila-stage-2a.jsonl")).Length);
    }

    [Fact]
    public void AbsoluteMetaPathsLetTheTrainerRunFromAnywhere()
    {
        using var dir = TestPaths.NewTempDir();
        BuildMix(dir);
        Assert.Equal(0, CliRunner.Run(dir.Path, "export", "mix", "--to", "internvl", "-o", "ivl", "--absolute-meta-paths").ExitCode);
        var entry = JsonDocument.Parse(File.ReadAllText(dir.File("ivl/stage-1_meta.json"))).RootElement.GetProperty("stage-1");
        Assert.Equal(Path.GetFullPath(dir.File("ivl")), entry.GetProperty("root").GetString());
        Assert.Equal(Path.GetFullPath(dir.File("ivl/stage-1.jsonl")), entry.GetProperty("annotation").GetString());
        Assert.Equal(3, entry.GetProperty("length").GetInt32());
    }

    [Fact]
    public void AnExportReplacesAnEarlierExportButNeverAnotherFolder()
    {
        using var dir = TestPaths.NewTempDir();
        BuildMix(dir);
        Directory.CreateDirectory(dir.File("notes"));
        File.WriteAllText(dir.File("notes/keep.txt"), "mine");
        var refused = CliRunner.Run(dir.Path, "export", "mix/stage-1", "--to", "infinity-mm", "-o", "notes");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not an mmforge export", refused.Stderr);
        Assert.Equal(["keep.txt"], Directory.GetFiles(dir.File("notes")).Select(Path.GetFileName));

        Assert.Equal(0, CliRunner.Run(dir.Path, "export", "mix/stage-1", "--to", "infinity-mm", "-o", "out").ExitCode);
        var again = CliRunner.Run(dir.Path, "export", "mix/stage-2a", "--to", "infinity-mm", "-o", "out", "--name", "second");
        Assert.Equal(1, again.ExitCode); // the ChatML system turns
        Assert.Equal(["export.json", "second.json"], Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order());
        Assert.DoesNotContain(Directory.GetDirectories(dir.Path), d => Path.GetFileName(d).StartsWith("out.", StringComparison.Ordinal)); // no temporary or old copy left

        // an input inside the export would be deleted with the export it replaces
        Assert.Equal(0, CliRunner.Run(dir.Path, "validate", "mix/stage-1", "-o", "out/ds").ExitCode);
        var inside = CliRunner.Run(dir.Path, "export", "out/ds", "--to", "infinity-mm", "-o", "out");
        Assert.Equal(2, inside.ExitCode);
        Assert.Contains("inside the output folder", inside.Stderr);
        Assert.True(File.Exists(dir.File("out/ds/manifest.json")));
    }

    [Fact]
    public void AMixNameThatCouldLeaveTheExportIsRefused()
    {
        using var dir = TestPaths.NewTempDir();
        BuildMix(dir);
        File.WriteAllText(dir.File("mix/mixes.json"), """{"schema_version":1,"mixes":[{"name":"../evil","dir":"stage-1"}]}""");
        var result = CliRunner.Run(dir.Path, "export", "mix", "--to", "llava-onevision", "-o", "out");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot name export files", result.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
        Assert.False(File.Exists(dir.File("evil.json")));
    }

    [Fact]
    public void CaptionOnlySamplesAreRejectedUnlessAPromptMakesThemAQuestionAndAnswer()
    {
        using var dir = TestPaths.NewTempDir();
        var captions = TestPaths.Sample("data-juicer", "demo-dataset-images.jsonl");
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", captions, "--map", "../../tests/ops/data/=images/", "-o", "captions").ExitCode);

        var refused = CliRunner.Run(dir.Path, "export", "captions", "--to", "llava-onevision", "-o", "plain");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("rejected by unwritable: 3", refused.Stdout);

        var result = CliRunner.Run(dir.Path, "export", "captions", "--to", "llava-onevision", "-o", "pretrain", "--caption-prompt", "Describe the image briefly.");
        Assert.Equal(0, result.ExitCode);
        var first = JsonDocument.Parse(File.ReadAllText(dir.File("pretrain/captions.json"))).RootElement[0];
        var turns = first.GetProperty("conversations").EnumerateArray().Select(t => (t.GetProperty("from").GetString(), t.GetProperty("value").GetString())).ToList();
        Assert.Equal([("human", "<image>\nDescribe the image briefly."), ("gpt", "A comfortable bed.")], turns);
        Assert.True(File.Exists(dir.File("pretrain/" + first.GetProperty("image").GetString())));
    }

    [Fact]
    public void HelpExplainsEveryFormatAndOption()
    {
        var help = CliRunner.Run(TestPaths.RepoRoot, "export", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var text in new[] { "llava-onevision", "llama-factory", "internvl", "infinity-mm", "webdataset", "--images", "[default: copy]", "--name", "--absolute-meta-paths", "--caption-prompt", "mixes.json" })
            Assert.Contains(text, help.Stdout);
    }
}
