using System.Formats.Tar;
using System.Text.Json;
using MMForge.Exports;
using MMForge.Formats;
using MMForge.Records;
using MMForge.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace MMForge.Tests.Exports;

/// <summary>
/// Each trainer's layout checked against the structure its training script reads (docs/exports.md
/// cites them), then read back through mmforge's own readers: the same conversations and image
/// contents as the source dataset, and the samples the trainer cannot take rejected with reasons.
/// </summary>
public sealed class TrainerLayoutTests
{
    private static ExportResult Export(string dataset, string outDir, string format, ImageMode images = ImageMode.Copy) =>
        new ExportJob(new ExportOptions { Format = TrainerFormat.Find(format), Images = images, Workers = 2 }).Run(dataset, outDir);

    private static List<JsonElement> JsonArray(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();

    private static List<string> ImagesOf(JsonElement record, string key) =>
        !record.TryGetProperty(key, out var image) ? []
        : image.ValueKind == JsonValueKind.String ? [image.GetString()!]
        : image.EnumerateArray().Select(i => i.GetString()!).ToList();

    private static int ImageTokens(JsonElement record) =>
        record.GetProperty("conversations").EnumerateArray().Sum(t => MMForge.Filters.TurnPairs.CountImageTokens(t.GetProperty("value").GetString()!));

    /// <summary>The file a written image path names, which must lie inside the export (copy mode).</summary>
    private static string InsideExport(string outDir, string path)
    {
        var full = Path.GetFullPath(Path.Combine(outDir, path));
        Assert.StartsWith(Path.GetFullPath(outDir) + "/", full);
        Assert.True(File.Exists(full), $"{path} does not exist under {outDir}");
        return full;
    }

    [Fact]
    public void LlamaFactoryImagesAreAlwaysAListAsLongAsTheImageTokensAndTheDatasetInfoEntryIsComplete()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        var result = Export(dataset, dir.File("lf"), "llama-factory");

        var info = JsonDocument.Parse(File.ReadAllText(dir.File("lf/dataset_info.json"))).RootElement;
        var entry = info.GetProperty("ds");
        Assert.Equal("sharegpt", entry.GetProperty("formatting").GetString());
        Assert.Equal("conversations", entry.GetProperty("columns").GetProperty("messages").GetString());
        Assert.Equal("images", entry.GetProperty("columns").GetProperty("images").GetString());
        var tags = entry.GetProperty("tags");
        Assert.Equal(("from", "value", "human", "gpt"),
            (tags.GetProperty("role_tag").GetString(), tags.GetProperty("content_tag").GetString(), tags.GetProperty("user_tag").GetString(), tags.GetProperty("assistant_tag").GetString()));
        var file = dir.File("lf/" + entry.GetProperty("file_name").GetString());
        Assert.True(File.Exists(file));

        var records = JsonArray(file);
        Assert.Equal(ExportSource.Exportable, records.Count);
        foreach (var record in records)
        {
            if (record.TryGetProperty("images", out var images)) Assert.Equal(JsonValueKind.Array, images.ValueKind);
            Assert.Equal(ImageTokens(record), ImagesOf(record, "images").Count);
            foreach (var image in ImagesOf(record, "images")) InsideExport(dir.File("lf"), image); // media_dir defaults to dataset_dir
            var roles = record.GetProperty("conversations").EnumerateArray().Select(t => t.GetProperty("from").GetString()).ToList();
            Assert.Equal(Enumerable.Range(0, roles.Count).Select(i => i % 2 == 0 ? "human" : "gpt"), roles); // user first, alternating
        }
        Assert.Equal("Be brief.", records.Single(r => r.GetProperty("id").GetString() == ExportSource.SystemTurn).GetProperty("system").GetString());

        // round trip through mmforge's dataset_info.json reader
        var back = Read.All(dir.File("lf/dataset_info.json"));
        Assert.Empty(back.Errors);
        ExportSource.AssertSameContent(dataset, ExportSource.ExportedContent(back.Samples, dir.File("lf")), [.. ExportSource.Common, ExportSource.SystemTurn]);
        Assert.Equal(2, result.Manifest.Rejected);
    }

    [Fact]
    public void InternVlMetaLengthIsTheLineCountAndEveryImageIsUnderTheRoot()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        var outDir = dir.File("ivl");
        Export(dataset, outDir, "internvl");

        var metaFile = Path.Combine(outDir, InternVlExport.MetaFileOf("ds"));
        var entry = JsonDocument.Parse(File.ReadAllText(metaFile)).RootElement.GetProperty("ds");
        Assert.False(entry.GetProperty("data_augment").GetBoolean());
        Assert.Equal(1, entry.GetProperty("repeat_time").GetInt32());
        var annotation = Path.Combine(Path.GetDirectoryName(metaFile)!, entry.GetProperty("annotation").GetString()!);
        var lines = File.ReadAllLines(annotation);
        Assert.Equal(lines.Length, entry.GetProperty("length").GetInt32());
        Assert.Equal(ExportSource.Exportable, lines.Length);
        var root = Path.Combine(outDir, entry.GetProperty("root").GetString()!);
        foreach (var line in lines)
        {
            var record = JsonDocument.Parse(line).RootElement;
            Assert.Equal(ImageTokens(record), ImagesOf(record, "image").Count);
            foreach (var image in ImagesOf(record, "image")) InsideExport(root, image);
        }

        // round trip through mmforge's InternVL meta reader, paths resolved against the export as the trainer's working directory
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(metaFile) { BaseDir = outDir }).ToList();
        var samples = sources.SelectMany(s => s.Records.Select(r => RecordDecoder.Decode(r, s.Codec).Sample!)).ToList();
        ExportSource.AssertSameContent(dataset, ExportSource.ExportedContent(samples, root), [.. ExportSource.Common, ExportSource.SystemTurn]);
    }

    [Fact]
    public void LlavaOneVisionYamlParsesAndNamesTheJsonWhoseImagesAreAllInTheImageFolder()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        var outDir = dir.File("ov");
        var result = Export(dataset, outDir, "llava-onevision");

        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(outDir, "ds.yaml"))));
        var datasets = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["datasets"];
        var only = (YamlMappingNode)Assert.Single(datasets.Children);
        Assert.Equal("all", only["sampling_strategy"].ToString());
        var json = Path.Combine(outDir, only["json_path"].ToString()); // the trainer runs from OUT (or --absolute-meta-paths)
        var records = JsonArray(json);
        Assert.Equal(ExportSource.Common.Length, records.Count);
        foreach (var record in records)
        {
            Assert.Equal(ImageTokens(record), ImagesOf(record, "image").Count);
            foreach (var image in ImagesOf(record, "image")) InsideExport(outDir, image); // --image_folder OUT
        }

        // what LLaVA-NeXT's preprocessing cannot take is rejected with the reason, never written
        var rejects = File.ReadAllLines(Path.Combine(outDir, "rejects", "ds.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(ExportSource.Unwritable.Append(ExportSource.SystemTurn).Order(), rejects.Select(r => r.GetProperty("id").GetString()!).Order());
        Assert.Contains(rejects, r => r.GetProperty("reason").GetString()!.Contains("0 <image> placeholder(s) for 1 image(s)"));
        Assert.Contains(rejects, r => r.GetProperty("reason").GetString()!.Contains("system turn"));
        Assert.Contains(rejects, r => r.GetProperty("reason").GetString()!.Contains("question without an answer"));
        Assert.Equal(3, result.Manifest.Rejected);

        var back = Read.All(json, "llava");
        ExportSource.AssertSameContent(dataset, ExportSource.ExportedContent(back.Samples, outDir), ExportSource.Common);
    }

    [Fact]
    public void InfinityMmJsonAndWebDatasetTarsReadBackToTheSourceContent()
    {
        using var dir = TestPaths.NewTempDir();
        var dataset = ExportSource.Build(dir.Path);
        Export(dataset, dir.File("imm"), "infinity-mm");
        var json = Read.All(dir.File("imm/ds.json"), "infinity-mm");
        ExportSource.AssertSameContent(dataset, ExportSource.ExportedContent(json.Samples, dir.File("imm")), ExportSource.Common);
        Assert.All(JsonArray(dir.File("imm/ds.json")), r => Assert.Equal("dialogues", r.GetProperty("source").GetString()));

        var result = Export(dataset, dir.File("wds"), "webdataset");
        var tar = dir.File("wds/ds/000000.tar");
        var back = Read.All(tar);
        Assert.Empty(back.Errors);
        ExportSource.AssertSameContent(dataset, ExportSource.ExportedContent(back.Samples, dir.File("wds")), ExportSource.Common);
        Assert.Equal(5, result.Manifest.ImageCounts.Embedded); // one, same-content, two in multi, repeat
        Assert.False(Directory.Exists(dir.File("wds/images")));

        // the release layout: json + jpg members per sample, an empty jpg for the text-only one
        using var reader = new TarReader(File.OpenRead(tar));
        var members = new List<(string Name, long Length)>();
        while (reader.GetNextEntry() is { } entry) members.Add((entry.Name, entry.Length));
        var textKey = JsonArray(dir.File("imm/ds.json")).FindIndex(r => r.GetProperty("id").GetString() == "text").ToString("D9");
        Assert.Contains((textKey + ".jpg", 0L), members);
        Assert.All(members, m => Assert.True(m.Name.EndsWith(".json") || m.Name.EndsWith(".jpg"), m.Name));
    }
}
