using System.Diagnostics;
using System.Text.Json;
using MMForge.Exports;
using MMForge.Tests.Support;

namespace MMForge.Tests.Exports;

/// <summary>How images reach the trainer: copied once per content, hard-linked, or referenced where they are.</summary>
public sealed class ImageModeTests
{
    private static ExportResult Export(string dataset, string outDir, ImageMode images, string format = "llava-onevision") =>
        new ExportJob(new ExportOptions { Format = TrainerFormat.Find(format), Images = images, Workers = 2 }).Run(dataset, outDir);

    private static Dictionary<string, string> ImageById(string jsonFile) =>
        JsonDocument.Parse(File.ReadAllText(jsonFile)).RootElement.EnumerateArray()
            .Where(r => r.TryGetProperty("image", out var i) && i.ValueKind == JsonValueKind.String)
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("image").GetString()!);

    [Fact]
    public void CopyStoresEachContentOnceUnderAStableSafeName()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        var result = Export(dataset, dir.File("out"), ImageMode.Copy);

        var images = ImageById(dir.File("out/ds.json"));
        // img1.png and img4.png are the same bytes; "repeat" uses img1.png again
        Assert.Equal(images["one"], images["same-content"]);
        Assert.Equal(images["one"], images["repeat"]);
        Assert.Matches(@"^images/[0-9a-f]{2}/[0-9a-f]{32}\.png$", images["one"]);
        var stored = Directory.GetFiles(dir.File("out/images"), "*", SearchOption.AllDirectories);
        Assert.Equal(3, stored.Length); // img1 (= img4), img2, cat
        Assert.Equal((3L, 2L), (result.Manifest.ImageCounts.Copied, result.Manifest.ImageCounts.Deduplicated));
    }

    [Fact]
    public void HardlinkLinksTheOriginalFiles()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        var result = Export(dataset, dir.File("out"), ImageMode.Hardlink);

        Assert.Null(result.LinkFallbackReason); // the source images are the test's own files on the same filesystem
        Assert.Equal(3, result.Manifest.ImageCounts.Linked);
        var images = ImageById(dir.File("out/ds.json"));
        var linked = dir.File("out/" + images["one"]);
        Assert.True(LinkCount(linked) > 1);
        Assert.Equal(File.ReadAllBytes(dir.File("source-images/img1.png")), File.ReadAllBytes(linked));
    }

    private static int LinkCount(string path)
    {
        var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return int.Parse(output.Trim());
    }

    [Fact]
    public void RelativePathsReachTheOriginalsAndNothingElseOutsideTheExport()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        var outDir = dir.File("exports/ov");
        var result = Export(dataset, outDir, ImageMode.Relative);

        Assert.False(Directory.Exists(Path.Combine(outDir, "images")));
        Assert.Equal(5, result.Manifest.ImageCounts.Referenced); // one, same-content, two in multi, repeat
        var originals = Path.GetFullPath(dir.File("source-images")) + "/";
        foreach (var (id, path) in ImageById(Path.Combine(outDir, "ds.json")))
        {
            Assert.StartsWith("../../source-images/", path);
            var full = Path.GetFullPath(Path.Combine(outDir, path));
            Assert.StartsWith(originals, full); // climbs out of OUT only to reach the dataset's own images
            Assert.True(File.Exists(full), id);
        }
    }

    [Fact]
    public void TwoExportsAreByteIdentical()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        foreach (var format in TrainerFormat.All.Select(f => f.Name))
        {
            Export(dataset, dir.File("a/" + format), ImageMode.Copy, format);
            Export(dataset, dir.File("b/" + format), ImageMode.Copy, format);
            var (a, b) = (ExportSource.Files(dir.File("a/" + format)), ExportSource.Files(dir.File("b/" + format)));
            Assert.Equal(a.Keys, b.Keys);
            foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{format}: {name} differs");
        }
    }

    [Fact]
    public void EmbeddedImagesAreWrittenIntoTheImagesFolderWhateverTheMode()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        Export(dataset, dir.File("wds"), ImageMode.Copy, "webdataset");
        // a dataset whose images are bytes inside the records: the tars ingested back
        Ingest.Run(dir.File("embedded"), dir.File("wds/ds/000000.tar"));
        Assert.All(Ingest.Samples(dir.File("embedded")).SelectMany(s => s.Images), i => Assert.NotNull(i.Bytes));

        var result = Export(dir.File("embedded"), dir.File("out"), ImageMode.Relative);
        Assert.Equal((3L, 2L, 0L), (result.Manifest.ImageCounts.Copied, result.Manifest.ImageCounts.Deduplicated, result.Manifest.ImageCounts.Referenced));
        var back = MMForge.Tests.Support.Read.All(dir.File("out/embedded.json"), "llava");
        ExportSource.AssertSameContent(dataset, ExportSource.ExportedContent(back.Samples, dir.File("out")), ExportSource.Common.Select(id => id));
    }
}
