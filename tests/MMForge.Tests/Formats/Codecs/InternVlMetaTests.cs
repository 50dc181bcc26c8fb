using MMForge.Formats;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats.Codecs;

public class InternVlMetaTests
{
    [Theory]
    [InlineData("custom_data.json", 26)]
    [InlineData("coco_caption.json", 1)]
    [InlineData("debug_sft.json", 1)]
    [InlineData("internvl_1_2_finetune.json", 9)]
    [InlineData("internvl_1_2_finetune_custom.json", 9)]
    public void UpstreamMetaFilesOpenOneSourcePerEntry(string file, int entries)
    {
        using var dir = TestPaths.NewTempDir();
        var sources = Open(TestPaths.Sample("InternVL", "meta", file), dir.Path);
        Assert.Equal(entries, sources.Count);
        Assert.All(sources, s => Assert.Equal("internvl", s.Codec.Name)); // none of the annotation files is here
        Assert.Equal(entries, sources.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void EntrySettingsAndRootsResolveAgainstTheBaseDirectory()
    {
        using var dir = TestPaths.NewTempDir();
        var source = Open(TestPaths.Sample("InternVL", "meta", "coco_caption.json"), dir.Path).Single();
        Assert.Equal("coco_karpathy_train_567k", source.Name);
        Assert.Equal(Path.Combine(dir.Path, "data", "coco") + Path.DirectorySeparatorChar, source.ImageRoot);
        Assert.Equal(new Dictionary<string, string> { ["data_augment"] = "false", ["repeat_time"] = "1", ["length"] = "566747" }, source.Info);
    }

    [Fact]
    public void MissingAnnotationFileFailsOnReadingNamingMetaEntryAndPath()
    {
        using var dir = TestPaths.NewTempDir();
        var meta = TestPaths.Sample("InternVL", "meta", "coco_caption.json");
        var source = Open(meta, dir.Path).Single();
        var e = Assert.Throws<FileNotFoundException>(() => source.Records.ToList());
        Assert.Contains(meta, e.Message);
        Assert.Contains("'coco_karpathy_train_567k'", e.Message);
        Assert.Contains(Path.Combine(dir.Path, "data", "coco", "annotations", "coco_karpathy_train_567k.jsonl"), e.Message);
    }

    [Fact]
    public void TrailingCommaMetaFileIsRejectedWithItsPosition()
    {
        var path = TestPaths.Sample("InternVL", "meta", "debug_mpo.json");
        var e = Assert.Throws<FormatException>(() => Open(path, TestPaths.Samples));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 16, byte 1", e.Message);
    }

    [Fact]
    public void MetaWithAnnotationFilesOnDiskReadsEachDatasetWithItsRoot()
    {
        using var dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(dir.File("ann"));
        File.WriteAllText(dir.File("ann/caps.jsonl"),
            """
            {"id": 0, "image": "cat.jpg", "width": 640, "height": 480, "conversations": [{"from": "human", "value": "<image>\nDescribe."}, {"from": "gpt", "value": "一只猫。"}]}
            {"id": 1, "image": "dog.jpg", "width": 320, "height": 240, "conversations": [{"from": "human", "value": "<image>\nDescribe."}, {"from": "gpt", "value": "A dog."}]}

            """);
        File.WriteAllText(dir.File("ann/text.json"),
            """[{"id": "t0", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}]""");
        File.WriteAllText(dir.File("meta.json"),
            """
            {
              "captions": {"root": "images/coco/", "annotation": "ann/caps.jsonl", "data_augment": false, "repeat_time": 2, "length": 2},
              "chat": {"root": "", "annotation": "ann/text.json", "repeat_time": 0.5}
            }
            """);
        var sources = Open(dir.File("meta.json"), dir.Path);
        Assert.Equal(["captions", "chat"], sources.Select(s => s.Name));
        Assert.Equal(["internvl", "llava"], sources.Select(s => s.Codec.Name));
        Assert.Equal(Path.Combine(dir.Path, "images", "coco") + Path.DirectorySeparatorChar, sources[0].ImageRoot);
        Assert.Null(sources[1].ImageRoot); // empty root: a text-only dataset
        Assert.Equal("2", sources[0].Info["repeat_time"]);
        Assert.Equal("0.5", sources[1].Info["repeat_time"]);
        var samples = sources.SelectMany(s => s.Records.Select(r => RecordDecoder.Decode(r, s.Codec).Sample!)).ToList();
        Assert.Equal(3, samples.Count);
        Assert.Equal((640, 480), (samples[0].Images[0].Width, samples[0].Images[0].Height));
        Assert.Equal("一只猫。", samples[0].Turns[1].Value);
        Assert.Equal(dir.File("ann/caps.jsonl"), samples[1].Provenance.File);
        Assert.Equal(2, samples[1].Provenance.Line);
        Assert.Equal("t0", samples[2].Id);
    }

    private static List<OpenedSource> Open(string path, string baseDir) =>
        new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(path) { BaseDir = baseDir }).ToList();
}
