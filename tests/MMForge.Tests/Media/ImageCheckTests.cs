using MMForge.Filters;
using MMForge.Formats;
using MMForge.Media;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

/// <summary>The hash stage's image checks: each bad image is rejected under its own named check, nothing crashes.</summary>
public class ImageCheckTests
{
    private static readonly DecodeLimits Limits = new() { MinSide = 10, MaxAspect = 50 };

    private static Manifest Hash(string input, string output, params IRule[] extra)
    {
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(input)).ToList();
        using var o = new DatasetOutput(output, new DatasetWriterOptions());
        return new RecordJob(new JobOptions { Stage = "hash", Rules = RuleSet.Of([new ImageHashRule(Limits), .. extra]) }).Run(sources, o);
    }

    private static string Record(string id, string image) =>
        $"{{\"id\":\"{id}\",\"image\":\"{image}\",\"conversations\":[{{\"from\":\"human\",\"value\":\"<image>\\nWhat is it?\"}},{{\"from\":\"gpt\",\"value\":\"A thing.\"}}]}}\n";

    [Fact]
    public void EveryBadImageIsRejectedUnderItsCheckAndGoodOnesAreKept()
    {
        using var dir = TestPaths.NewTempDir();
        var cat = File.ReadAllBytes(TestPaths.Sample("data-juicer", "images", "cat.jpg"));
        File.WriteAllBytes(dir.File("cat.jpg"), cat);
        File.WriteAllBytes(dir.File("truncated.jpg"), cat[..(cat.Length / 2)]);
        File.WriteAllBytes(dir.File("empty.jpg"), []);
        var noise = new byte[2048];
        new Random(3).NextBytes(noise);
        noise[0] = 0;
        File.WriteAllBytes(dir.File("noise.jpg"), noise);
        // Header-only PNGs: the size checks must decide before any pixel data is read.
        byte[] noPixels = [0x78, 0x9C, 0x03, 0x00];
        File.WriteAllBytes(dir.File("bomb.png"), PngBuilder.HeaderOnly(100_000, 100_000, noPixels));
        File.WriteAllBytes(dir.File("tiny.png"), PngBuilder.HeaderOnly(4, 300, noPixels));
        File.WriteAllBytes(dir.File("banner.png"), PngBuilder.HeaderOnly(2000, 12, noPixels));
        var names = new[] { "cat.jpg", "truncated.jpg", "empty.jpg", "noise.jpg", "bomb.png", "tiny.png", "banner.png", "absent.jpg" };
        File.WriteAllText(dir.File("in.jsonl"), string.Concat(names.Select(n => Record(n, n))));
        Ingest.Run(dir.File("ds"), [new SourceRequest(dir.File("in.jsonl"))], RuleSet.Of());

        var manifest = Hash(dir.File("ds"), dir.File("hashed"));

        var rules = Ingest.Rejects(dir.File("hashed")).ToDictionary(r => r.GetProperty("record").GetProperty("id").GetString()!, r => r.GetProperty("rule").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["truncated.jpg"] = "image-decode",
            ["empty.jpg"] = "image-decode",
            ["noise.jpg"] = "image-decode",
            ["bomb.png"] = "image-too-many-pixels",
            ["tiny.png"] = "image-too-small",
            ["banner.png"] = "image-aspect",
            ["absent.jpg"] = "image-missing",
        }, rules);
        Assert.Equal(1, manifest.Records);
        Assert.Equal(3, manifest.RejectsByRule["image-decode"]);
    }

    [Fact]
    public void VisualTokensAreRecordedPerSampleAndCanBeLimited()
    {
        using var dir = TestPaths.NewTempDir();
        File.Copy(TestPaths.Sample("data-juicer", "images", "cat.jpg"), dir.File("cat.jpg"));
        File.Copy(TestPaths.Sample("data-juicer", "images", "blip.jpg"), dir.File("blip.jpg"));
        File.WriteAllText(dir.File("in.jsonl"), Record("cat", "cat.jpg") + Record("blip", "blip.jpg"));
        Ingest.Run(dir.File("ds"), [new SourceRequest(dir.File("in.jsonl"))]);

        Hash(dir.File("ds"), dir.File("all"));
        Hash(dir.File("ds"), dir.File("limited"), new VisualTokenLimitRule("llava-onevision", 3000));

        var cat = Ingest.Samples(dir.File("all")).Single(s => s.Id == "cat");
        // 640x480: 2929 tokens for AnyRes-Max-9 (spec/METHOD.md section 7); a 4x3 InternVL grid + thumbnail = 13 x 256.
        Assert.Equal(new SortedDictionary<string, int> { ["internvl"] = 3328, ["llava-onevision"] = 2929 }, cat.VisualTokens);
        Assert.Equal(["cat"], Ingest.Samples(dir.File("limited")).Select(s => s.Id));
        var reject = Ingest.Rejects(dir.File("limited")).Single();
        Assert.Equal("max-visual-tokens", reject.GetProperty("rule").GetString());
        Assert.Contains("over the limit of 3000", reject.GetProperty("reason").GetString());
    }
}
