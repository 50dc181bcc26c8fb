using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats;

public class CapsBoxesTests
{
    private static string File80 => TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl");

    [Fact]
    public void LlavaCapsBoxesFileIsDetectedAndReadWithNormalizedBoxes()
    {
        var result = Read.All(File80);

        Assert.Empty(result.Errors);
        Assert.Equal("caps-boxes", result.Sources.Single().Codec.Name);
        Assert.Equal(80, result.Samples.Count);
        var first = result.Samples[0];
        Assert.Equal("000000296284", first.Id);
        Assert.False(first.IdIsNumber);
        Assert.Equal("000000296284.jpg", first.Images.Single().Path);
        Assert.Equal(5, first.Annotations!.Captions.Count);
        Assert.Equal("A donut shop is full of different flavors of donuts.", first.Annotations.Captions[0]);
        Assert.Equal(10, first.Annotations.Boxes.Count);
        var box = first.Annotations.Boxes[0];
        Assert.Equal(("donut", BoxFormat.XyxyNormalized), (box.Category, box.Format));
        Assert.Equal([0.37, 0.584, 0.504, 0.709], box.Bbox);
    }

    [Fact]
    public void WritingTheFileBackGivesTheSameSamples()
    {
        using var dir = TestPaths.NewTempDir();
        var original = Read.All(File80).Samples;
        var path = dir.File("out.jsonl");
        using (var writer = SampleWriters.Open(path, "caps-boxes", FormatRegistry.Default))
        {
            foreach (var sample in original) writer.Write(sample);
            writer.Complete();
        }
        var again = Read.All(path);
        Assert.Empty(again.Errors);
        Assert.Equal(original.Select(Canonical), again.Samples.Select(Canonical));
    }

    [Fact]
    public void PixelBoxesAreNormalizedWithTheImageSizeOrRefused()
    {
        var codec = FormatRegistry.Default.Codec("caps-boxes");
        var sample = new Sample { Id = "1", Annotations = new Annotations() };
        sample.Images.Add(new ImageRef { Path = "a.jpg", Width = 200, Height = 100 });
        sample.Annotations.Boxes.Add(new Box("dog", [20, 10, 100, 50], BoxFormat.XywhPixels) { CategoryId = 18 });

        Assert.Null(codec.CannotWrite(sample));
        Assert.Contains("no captions or boxes", codec.CannotWrite(new Sample { Id = "2" }));
        var json = JsonText.Write(w => codec.Encode(w, sample));
        Assert.Contains("\"bbox\":[0.1,0.1,0.6,0.6]", json);

        sample.Images[0].Width = null;
        Assert.Contains("size of its one image is unknown", codec.CannotWrite(sample));
        Assert.Throws<RecordException>(() => JsonText.Write(w => codec.Encode(w, sample)));
    }

    [Fact]
    public void MalformedInstanceIsABadRecordNamingIt()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("bad.jsonl");
        File.WriteAllText(path, """
            {"id": "1", "image": "1.jpg", "captions": ["x"], "instances": [{"category": "a", "bbox": [0.1, 0.2, 0.3, 0.4], "score": 0.9}]}
            {"id": "2", "image": "2.jpg", "captions": ["y"], "instances": [{"category": "b", "bbox": [0.1, 0.2]}]}
            """);

        var result = Read.All(path);

        Assert.Equal("0.9", Assert.Single(result.Samples).Annotations!.Boxes[0].Extra!.Get("score"));
        var error = Assert.Single(result.Errors).Error;
        Assert.Equal(RejectRules.BadRecord, error.Rule);
        Assert.Contains("instances[0].bbox", error.Reason);
    }

    private static string Canonical(Sample sample)
    {
        sample.Provenance = new Provenance();
        return Read.Canonical(sample);
    }
}
