using MMForge.Filters;
using MMForge.Formats;
using MMForge.Media;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

public class HashStageTests
{
    private static Manifest Hash(string input, string output)
    {
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(input)).ToList();
        using var o = new DatasetOutput(output, new DatasetWriterOptions());
        return new RecordJob(new JobOptions { Stage = "hash", Rules = RuleSet.Of(new ImageHashRule(DecodeLimits.Default)) }).Run(sources, o);
    }

    [Fact]
    public void HashFillsEveryImageWithTheReferencePhashAndBrokenImagesAreRejected()
    {
        using var dir = TestPaths.NewTempDir();
        var samples = TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune");
        File.Copy(TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "images", "10095.png"), dir.File("good.png"));
        File.WriteAllBytes(dir.File("broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2]);
        File.WriteAllText(dir.File("extra.jsonl"),
            "{\"id\":\"b\",\"image\":\"broken.jpg\",\"conversations\":[{\"from\":\"human\",\"value\":\"<image>?\"},{\"from\":\"gpt\",\"value\":\"x\"}]}\n" +
            "{\"id\":\"t\",\"conversations\":[{\"from\":\"human\",\"value\":\"text only?\"},{\"from\":\"gpt\",\"value\":\"yes\"}]}\n");
        Ingest.Run(dir.File("ds"), [
            new SourceRequest(TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json")) { ImageRoot = samples },
            new SourceRequest(dir.File("extra.jsonl")),
        ]);

        var manifest = Hash(dir.File("ds"), dir.File("hashed"));

        Assert.Equal(4, manifest.Records);
        Assert.Equal(new SortedDictionary<string, long> { ["image-decode"] = 1 }, manifest.RejectsByRule);
        Assert.Contains("Corrupt", Ingest.Rejects(dir.File("hashed")).Single().GetProperty("reason").GetString());
        var reference = File.ReadLines(Path.Combine(TestPaths.Shared, "spec", "phash_reference.tsv"))
            .Where(l => !l.StartsWith('#')).Select(l => l.Split('\t'))
            .ToDictionary(f => Path.GetFileName(f[0]), f => (Phash: f[1], Size: f[4]));
        var images = Ingest.Samples(dir.File("hashed")).SelectMany(s => s.Images).ToList();
        Assert.Equal(3, images.Count);
        Assert.All(images, image =>
        {
            var expected = reference[Path.GetFileName(image.Path!)];
            Assert.Equal(expected.Phash, ImageHashes.Hex(image.Phash!.Value));
            Assert.Equal(expected.Size, $"{image.Width}x{image.Height}");
            Assert.Equal("png", image.Format);
            Assert.Equal(64, image.Sha256!.Length);
        });
        Assert.Equal(["ingest", "hash"], Manifest.Load(dir.File("hashed")).Stages.Select(s => s.Name));
    }
}
