using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Pipeline;

public class DatasetDirectoryTests
{
    private static string Qwen => TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json");
    private static string QwenRoot => TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune");

    [Fact]
    public void IngestWritesShardsManifestAndResolvableImages()
    {
        using var dir = TestPaths.NewTempDir();
        var manifest = Ingest.Run(dir.File("out"), [new SourceRequest(Qwen) { ImageRoot = QwenRoot }], writer: new DatasetWriterOptions { ShardRecords = 2, Gzip = true });
        Assert.Equal(3, manifest.Records);
        Assert.Equal(["data/part-00000.jsonl.gz", "data/part-00001.jsonl.gz"], manifest.Shards.Select(s => s.File));
        var reloaded = Manifest.Load(dir.File("out"));
        Assert.Equal(Path.GetFullPath(QwenRoot), reloaded.ImageRoots["single_images"]);
        Assert.Equal("ingest", Assert.Single(reloaded.Stages).Name);
        var samples = Ingest.Samples(dir.File("out"));
        Assert.Equal(3, samples.Count);
        Assert.All(samples, s => Assert.True(File.Exists(Path.Combine(reloaded.ImageRoots[s.Images[0].Root!], s.Images[0].Path!))));
        Assert.All(samples, s => Assert.Equal(Qwen, s.Provenance.File));
    }

    [Fact]
    public void SameInputGivesByteIdenticalOutput()
    {
        using var dir = TestPaths.NewTempDir();
        var inputs = new[] { new SourceRequest(Qwen) { ImageRoot = QwenRoot }, new SourceRequest(TestPaths.Sample("data-juicer", "demo-dataset-chatml.jsonl")) };
        Ingest.Run(dir.File("a"), inputs, workers: 1);
        Ingest.Run(dir.File("b"), inputs, workers: 2);
        foreach (var file in new[] { "manifest.json", "data/part-00000.jsonl", "rejects/rejects.jsonl" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("a"), file)), File.ReadAllBytes(Path.Combine(dir.File("b"), file)));
    }

    [Fact]
    public void ValidateReadsADatasetAndMayReplaceItInPlace()
    {
        using var dir = TestPaths.NewTempDir();
        Ingest.Run(dir.File("ds"), [new SourceRequest(Qwen) { ImageRoot = QwenRoot }], rules: new RuleSet(disable: ["image-token-repair"]));
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(dir.File("ds"))).ToList();
        var options = new JobOptions { Stage = "validate", Rules = new RuleSet(enable: ["short-question"]) };
        Manifest manifest;
        using (var output = new DatasetOutput(dir.File("ds"), new DatasetWriterOptions()))
            manifest = new RecordJob(options).Run(sources, output);
        Assert.Equal(3, manifest.Records);
        Assert.Equal(["ingest", "validate"], Manifest.Load(dir.File("ds")).Stages.Select(s => s.Name));
        Assert.All(Ingest.Samples(dir.File("ds")), s => Assert.Equal(["ingest", "validate"], s.Provenance.Stages));
        Assert.Equal([dir.File("ds")], Directory.EnumerateDirectories(dir.Path)); // no temporary directories left behind
    }

    [Fact]
    public void RefusesToReplaceADirectoryThatIsNotADataset()
    {
        using var dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(dir.File("precious"));
        File.WriteAllText(dir.File("precious/notes.txt"), "keep me");
        var e = Assert.Throws<ArgumentException>(() => new DatasetOutput(dir.File("precious"), new DatasetWriterOptions()));
        Assert.Contains("refusing", e.Message);
        Assert.True(File.Exists(dir.File("precious/notes.txt")));
    }
}
