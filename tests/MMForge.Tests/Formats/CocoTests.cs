using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats;

public class CocoTests
{
    private static string CocoUtils(string name) => TestPaths.Sample("sahi", "tests", "data", "coco_utils", name);

    [Fact]
    public void CombinedCocoGivesOneSamplePerImageWithItsBoxes()
    {
        var result = Read.All(CocoUtils("combined_coco.json"));

        Assert.Empty(result.Errors);
        var source = result.Sources.Single();
        Assert.Equal("coco-image", source.Codec.Name);
        Assert.Equal("document", source.Container);
        Assert.Equal(2, result.Samples.Count);
        Assert.Equal([7, 5], result.Samples.Select(s => s.Annotations!.Boxes.Count));
        Assert.Equal(["human", "car"], result.Samples.Select(s => s.Annotations!.Boxes.Select(b => b.Category).Distinct().Single()));
        using (var categories = JsonDocument.Parse(source.Info["categories"]))
            Assert.Equal(3, categories.RootElement.GetArrayLength()); // big_vehicle has no boxes, and is kept only here

        var first = result.Samples[0];
        Assert.Equal("1", first.Id);
        Assert.True(first.IdIsNumber);
        var image = Assert.Single(first.Images);
        Assert.Equal(("terrain1.jpg", 2048, 1365), (image.Path, image.Width!.Value, image.Height!.Value));
        Assert.True(File.Exists(Path.Combine(source.ImageRoot!, image.Path!)));
        Assert.True(File.Exists(Path.Combine(source.ImageRoot!, result.Samples[1].Images[0].Path!)));
        var box = first.Annotations!.Boxes[0];
        Assert.Equal(("human", 1L, "human", BoxFormat.XywhPixels), (box.Category, box.CategoryId!.Value, box.Supercategory, box.Format));
        Assert.Equal([491.0, 1035.0, 153.0, 182.0], box.Bbox);
        Assert.Equal(["iscrowd", "segmentation", "id", "area"], box.Extra!.Select(e => e.Key));
        Assert.Equal("1", box.Extra!.Get("id"));
        Assert.Equal("images[0]", first.Provenance.Member);
    }

    [Theory]
    [InlineData("terrain1_coco.json", "terrain1.jpg", 7, "human")]
    [InlineData("terrain2_coco.json", "terrain2.png", 5, "car")]
    public void SingleImageCocoFilesLoadTheirBoxes(string file, string image, int boxes, string category)
    {
        var result = Read.All(CocoUtils(file));

        Assert.Empty(result.Errors);
        var sample = Assert.Single(result.Samples);
        Assert.Equal(image, sample.Images.Single().Path);
        Assert.Equal(boxes, sample.Annotations!.Boxes.Count);
        Assert.All(sample.Annotations.Boxes, b => Assert.Equal(category, b.Category));
    }

    [Fact]
    public void CocoCnOneLineCaptionFileIsReadAsADocumentWithCaptionsPerImage()
    {
        var result = Read.All(TestPaths.Sample("InternVL", "coco-cn_test.json"));

        Assert.Empty(result.Errors);
        Assert.Equal("document", result.Sources.Single().Container);
        Assert.Equal(1000, result.Samples.Count);
        Assert.Equal(1053, result.Samples.Sum(s => s.Annotations?.Captions.Count ?? 0));
        Assert.All(result.Samples, s => Assert.Empty(s.Annotations?.Boxes ?? []));
        var first = result.Samples[0];
        Assert.Equal("573854", first.Id);
        Assert.Equal("train2014/COCO_train2014_000000573854.jpg", first.Images.Single().Path);
        Assert.Contains("机场跑道的喷气式飞机正准备起飞。", first.Annotations!.Captions);
    }

    [Fact]
    public void BadAnnotationsAndImagesAreRejectedByNameAndTheirImagesStillLoad()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("bad.json");
        File.WriteAllText(path, """
            {
              "info": {"year": 2024},
              "images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg", "license": 3}, {"id": 1, "file_name": "dup.jpg"}, {"file_name": "noid.jpg"}],
              "annotations": [
                {"id": 10, "image_id": 1, "bbox": [1, 2, 3, 4], "category_id": 1},
                {"id": 11, "image_id": 99, "bbox": [1, 2, 3, 4], "category_id": 1},
                {"id": 12, "image_id": 1, "bbox": [1, 2, 3, 4], "category_id": 7},
                {"id": 13, "image_id": 1, "bbox": [1, 2, 3], "category_id": 1},
                {"id": 14, "image_id": 1},
                {"image_id": 1, "caption": "a cat"}
              ],
              "categories": [{"id": 1, "name": "cat"}, {"id": "x", "name": "bad"}]
            }
            """);

        var result = Read.All(path);

        Assert.Equal(["1", "2"], result.Samples.Select(s => s.Id));
        Assert.Equal([10L], result.Samples[0].Annotations!.Boxes.Select(b => (long)b.CategoryId! * 10));
        Assert.Equal(["a cat"], result.Samples[0].Annotations!.Captions);
        Assert.Null(result.Samples[1].Annotations);
        Assert.Equal("3", result.Samples[1].Extra.Get("license"));
        Assert.Equal("{\"year\":2024}", result.Sources.Single().Info["info"]);
        var reasons = result.Errors.Select(e => e.Error.Reason).ToList();
        Assert.Equal(7, reasons.Count);
        Assert.Contains(reasons, r => r.Contains("categories[1]"));
        Assert.Contains(reasons, r => r.Contains("images[2] repeats image id 1"));
        Assert.Contains(reasons, r => r.Contains("images[3]"));
        Assert.Contains(reasons, r => r.Contains("annotation 11") && r.Contains("image 99"));
        Assert.Contains(reasons, r => r.Contains("annotation 12") && r.Contains("category 7"));
        Assert.Contains(reasons, r => r.Contains("annotation 13") && r.Contains("bbox"));
        Assert.Contains(reasons, r => r.Contains("annotation 14") && r.Contains("neither"));
    }

    [Theory]
    [InlineData("combined_coco.json")]
    [InlineData("terrain1_coco.json")]
    public void RewritingSahiCocoFilesGivesTheSameSamples(string file) => RewriteGivesSameSamples(CocoUtils(file));

    [Fact]
    public void RewritingCocoCnGivesTheSameSamples() => RewriteGivesSameSamples(TestPaths.Sample("InternVL", "coco-cn_test.json"));

    private static void RewriteGivesSameSamples(string path)
    {
        using var dir = TestPaths.NewTempDir();
        var original = Read.All(path).Samples;
        var output = dir.File("rewritten.json");
        Read.WriteAll(output, "coco", original);
        var again = Read.All(output);
        Assert.Empty(again.Errors);
        Assert.Equal(original.Select(Read.CanonicalContent), again.Samples.Select(Read.CanonicalContent));
        Read.WriteAll(dir.File("twice.json"), "coco", again.Samples);
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(dir.File("twice.json")));
    }

    [Fact]
    public void WriterRoundTripsSamplesCocoCanExpress()
    {
        using var dir = TestPaths.NewTempDir();
        var n = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Arb.From(CocoSamples), samples =>
        {
            var path = dir.File($"case{n++}.json");
            Read.WriteAll(path, "coco", samples);
            var read = Read.All(path);
            Assert.Empty(read.Errors);
            Assert.Equal(samples.Select(Read.CanonicalContent), read.Samples.Select(Read.CanonicalContent));
        }));
    }

    [Fact]
    public void WriterNumbersCategoriesAndAnnotationsThatHaveNoIds()
    {
        using var dir = TestPaths.NewTempDir();
        var a = ImageSample("7", 100, 50);
        a.Annotations = new Annotations();
        a.Annotations.Boxes.Add(new Box("dog", [1, 2, 3, 4], BoxFormat.XywhPixels) { CategoryId = 4 });
        a.Annotations.Boxes.Add(new Box("cat", [0.1, 0.2, 0.5, 0.6], BoxFormat.XyxyNormalized));
        a.Annotations.Boxes.Add(new Box("dog", [5, 6, 7, 8], BoxFormat.XywhPixels) { Extra = Extra("id", "40") });
        a.Annotations.Captions.Add("two pets");
        var path = dir.File("out.json");
        Read.WriteAll(path, "coco", [a]);

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var annotations = doc.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal([41L, 42L, 40L, 43L], annotations.Select(x => x.GetProperty("id").GetInt64()));
        Assert.Equal([4L, 5L, 4L], annotations.Take(3).Select(x => x.GetProperty("category_id").GetInt64()));
        Assert.Equal([10.0, 10.0, 40.0, 20.0], annotations[1].GetProperty("bbox").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
        Assert.Equal(["dog", "cat"], doc.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public void WriterRefusesSamplesCocoCannotHoldAndGoesOn()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("out.json");
        using (var writer = SampleWriters.Open(path, "coco", FormatRegistry.Default))
        {
            var twoImages = ImageSample("1", 10, 10);
            twoImages.Images.Add(ImageRef.FromPath("b.jpg"));
            Assert.Contains("2 images", writer.CannotWrite(twoImages));
            Assert.Throws<RecordException>(() => writer.Write(twoImages));
            var unsized = new Sample { Id = "2", IdIsNumber = true, Annotations = new Annotations() };
            unsized.Images.Add(ImageRef.FromPath("c.jpg"));
            unsized.Annotations.Boxes.Add(new Box("x", [0, 0, 1, 1], BoxFormat.XyxyNormalized));
            Assert.Contains("image size is unknown", writer.CannotWrite(unsized));
            Assert.Throws<RecordException>(() => writer.Write(unsized));
            Assert.Null(writer.CannotWrite(ImageSample("3", 10, 10)));
            writer.Write(ImageSample("3", 10, 10));
            Assert.Throws<RecordException>(() => writer.Write(ImageSample("3", 10, 10)));
            writer.Complete();
        }
        var read = Read.All(path);
        Assert.Equal(["3"], read.Samples.Select(s => s.Id));
        Assert.Null(read.Samples[0].Annotations);
    }

    /// <summary>Samples COCO can express: unique numeric ids, one sized image, pixel boxes with unique ids and consistent categories, captions.</summary>
    private static Gen<List<Sample>> CocoSamples { get; } =
        Gen.Choose(0, 5).SelectMany(n => CocoSample.ArrayOf(n)).Select(samples =>
        {
            var boxId = 0;
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i].Id = (i * 3 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var box in samples[i].Annotations?.Boxes ?? []) box.Extra!.Set("id", (++boxId * 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            return samples.ToList();
        });

    private static readonly (long Id, string Name, string? Super)[] Categories = [(1, "person", "human"), (2, "car", null), (5, "猫", "animal")];

    private static Gen<((long Id, string Name, string? Super) Category, double[] Bbox, ExtraFields Extra)> CocoBox { get; } =
        from category in Gen.Elements(Categories)
        from bbox in SampleGenerators.ExactDouble.ArrayOf(4)
        from extra in SampleGenerators.Extras
        select (category, bbox, extra);

    private static Gen<Sample> CocoSample { get; } =
        from path in SampleGenerators.ImagePath
        from size in Gen.Choose(1, 4096).ArrayOf(2)
        from sized in Gen.Elements(true, false)
        from boxes in CocoBox.ListOf()
        from captions in SampleGenerators.Text.ListOf()
        from extra in SampleGenerators.Extras
        select Build(path, sized ? size : null, boxes.Take(4), captions.Take(3), extra);

    private static Sample Build(string path, int[]? size, IEnumerable<((long Id, string Name, string? Super) Category, double[] Bbox, ExtraFields Extra)> boxes, IEnumerable<string> captions, ExtraFields extra)
    {
        var sample = new Sample { IdIsNumber = true };
        sample.Images.Add(new ImageRef { Path = path, Width = size?[0], Height = size?[1] });
        var annotations = new Annotations();
        foreach (var (category, bbox, boxExtra) in boxes)
            annotations.Boxes.Add(new Box(category.Name, bbox, BoxFormat.XywhPixels) { CategoryId = category.Id, Supercategory = category.Super, Extra = boxExtra });
        annotations.Captions.AddRange(captions);
        if (!annotations.IsEmpty) sample.Annotations = annotations;
        foreach (var (k, v) in extra) sample.Extra.Set(k, v);
        return sample;
    }

    private static Sample ImageSample(string id, int width, int height)
    {
        var sample = new Sample { Id = id, IdIsNumber = true };
        sample.Images.Add(new ImageRef { Path = $"{id}.jpg", Width = width, Height = height });
        return sample;
    }

    private static ExtraFields Extra(string name, string json)
    {
        var extra = new ExtraFields();
        extra.Set(name, json);
        return extra;
    }
}
