using MMForge.FakeOpenAi;
using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Cli;

public class CliTests
{
    private static string Repo => TestPaths.RepoRoot;

    [Fact]
    public void HelpListsEveryCommandAndExplainsOptions()
    {
        var root = CliRunner.Run(Repo, "--help");
        Assert.Equal(0, root.ExitCode);
        foreach (var command in new[] { "ingest", "validate", "convert", "inspect", "hash", "dedup", "tag", "map", "phash", "formats", "rules" }) Assert.Contains(command, root.Stdout);
        Assert.Contains("mmforge", root.Stdout);
        var ingest = CliRunner.Run(Repo, "ingest", "--help");
        Assert.Contains("--image-root", ingest.Stdout);
        Assert.Contains("yes-no-balance", ingest.Stdout);
    }

    [Theory]
    [InlineData("ingest", "examples/data/qwen3-vl/single_images.json")]                       // no -o
    [InlineData("ingest", "no/such/file.json", "-o", "OUT")]                                  // missing input
    [InlineData("convert", "examples/data/qwen3-vl/single_images.json", "-o", "OUT.json", "--to", "nope")]
    [InlineData("ingest", "examples/data/qwen3-vl/single_images.json", "-o", "OUT", "--disable", "no-such-rule")]
    [InlineData("dedup", "examples/data", "-o", "OUT")]                                       // not a dataset
    [InlineData("dedup", "OUT", "-o", "OUT2", "--match", "fuzzy")]
    [InlineData("dedup", "OUT", "-o", "OUT2", "--max-distance", "40")]
    [InlineData("frobnicate")]
    public void BadUsageExitsWithTwoAndSaysWhy(params string[] args)
    {
        using var dir = TestPaths.NewTempDir();
        var result = CliRunner.Run(Repo, args.Select(a => a.StartsWith("OUT") ? dir.File(a) : a).ToArray());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error", result.Stderr);
    }

    [Fact]
    public void TheReadmeExampleIngestsEveryBundledSampleWithResolvedImages()
    {
        using var dir = TestPaths.NewTempDir();
        var inputs = new[] { "chatml/demo-dataset-chatml.jsonl", "data-juicer/demo-dataset-images.jsonl", "qwen3-vl/single_images.json", "sahi/combined_coco.json" };
        var result = CliRunner.Run(Repo, ["ingest", .. inputs.Select(i => "examples/data/" + i), "--map", "../../tests/ops/data/=images/", "-o", dir.File("ds")]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("12 records kept, 0 rejected", result.Stdout);
        var manifest = Manifest.Load(dir.File("ds"));
        Assert.Equal(new SortedDictionary<string, long> { ["combined_coco"] = 2, ["demo-dataset-chatml"] = 4, ["demo-dataset-images"] = 3, ["single_images"] = 3 }, manifest.RecordsBySource);
        // the image-missing rule ran and kept all 8 image samples: every image resolves on disk
        var images = Ingest.Samples(dir.File("ds")).SelectMany(s => s.Images).ToList();
        Assert.Equal(8, images.Count);
        Assert.All(images, i => Assert.True(File.Exists(Path.Combine(manifest.ImageRoots[i.Root!], i.Path!))));
    }

    [Fact]
    public void RejectedRecordsGiveExitOneAndASummaryByRule()
    {
        using var dir = TestPaths.NewTempDir();
        File.WriteAllText(dir.File("in.jsonl"), "{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"hello\"}]}\n{oops\n");
        var result = CliRunner.Run(dir.Path, "ingest", "in.jsonl", "-o", "ds");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("1 records kept, 1 rejected", result.Stdout);
        Assert.Contains("rejected by malformed-json: 1", result.Stdout);
        Assert.Contains("rejects/rejects.jsonl", result.Stdout);
    }

    [Fact]
    public void ConvertWritesTrainerFormatsAndRejectsWhatTheyCannotHold()
    {
        using var dir = TestPaths.NewTempDir();
        var qwen = TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json");
        var cocoFile = TestPaths.Sample("sahi", "tests", "data", "coco_utils", "combined_coco.json");
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", qwen, "--image-root", TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune"), "-o", "qwen").ExitCode);
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", "qwen", cocoFile, "-o", "ds").ExitCode);

        var toInternVl = CliRunner.Run(dir.Path, "convert", "ds", "-o", "internvl.jsonl", "--to", "internvl");
        Assert.Equal(1, toInternVl.ExitCode); // the two COCO samples have no conversation to write
        Assert.Contains("rejected by unwritable: 2", toInternVl.Stdout);
        var lines = File.ReadAllLines(dir.File("internvl.jsonl"));
        Assert.Equal(3, lines.Length);
        Assert.Equal("single_images:2", JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetString());
        Assert.Equal(2, File.ReadAllLines(dir.File("internvl.jsonl.rejects.jsonl")).Length);

        // two image roots: paths are written absolute so every image stays findable
        var toCoco = CliRunner.Run(dir.Path, "convert", "ds", "-o", "boxes.json", "--to", "coco");
        Assert.Equal(1, toCoco.ExitCode);
        Assert.Contains("rejected by unwritable: 3", toCoco.Stdout); // dialogues have no place in COCO
        var back = Read.All(dir.File("boxes.json"));
        Assert.Equal([7, 5], back.Samples.Select(s => s.Annotations!.Boxes.Count));
        Assert.All(back.Samples, s => Assert.True(File.Exists(s.Images[0].Path)));
    }

    [Fact]
    public void InspectReportsCountsAsJson()
    {
        var result = CliRunner.Run(Repo, "inspect", "examples/data/qwen3-vl/single_images.json", "--json");
        Assert.Equal(0, result.ExitCode);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(3, report.GetProperty("records").GetInt64());
        Assert.Equal("llava", report.GetProperty("format").GetString());
        Assert.Equal(3, report.GetProperty("images_per_sample").GetProperty("1").GetInt64());
    }

    [Fact]
    public void TarMembersThatClimbOutAreRejectedAndNothingIsWrittenOutside()
    {
        using var dir = TestPaths.NewTempDir();
        using (var tar = new TarWriter(File.Create(dir.File("shard.tar")), TarEntryFormat.Ustar))
        {
            void Add(string name, string text) => tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            const string record = "{\"id\":\"{0}\",\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"}],\"ram++_tags\":[],\"ram++_tags_score\":[]}";
            Add("000001.json", record.Replace("{0}", "1"));
            Add("../../escape.json", record.Replace("{0}", "2"));
            Add("000003.json", record.Replace("{0}", "3"));
        }
        var result = CliRunner.Run(dir.Path, "ingest", "shard.tar", "-o", "ds");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rejected by tar-member-escape: 1", result.Stdout);
        Assert.Equal(["1", "3"], Ingest.Samples(dir.File("ds")).Select(s => s.Id));
        Assert.False(File.Exists(Path.Combine(dir.Path, "..", "..", "escape.json")));
    }
}

public class PhashCliTests
{
    [Fact]
    public void PhashPrintsTheReferenceHashesForADirectoryAndReportsBadFiles()
    {
        using var dir = TestPaths.NewTempDir();
        var images = TestPaths.Sample("data-juicer", "images");
        File.WriteAllBytes(dir.File("broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);
        var result = CliRunner.Run(TestPaths.RepoRoot, "phash", images, dir.File("broken.jpg"));
        Assert.Equal(1, result.ExitCode);
        var reference = File.ReadLines(Path.Combine(TestPaths.Shared, "spec", "phash_reference.tsv"))
            .Where(l => l.StartsWith("data-juicer/images/", StringComparison.Ordinal))
            .Select(l => l.Split('\t'))
            .ToDictionary(f => Path.Combine(TestPaths.Samples, f[0]), f => f[1]);
        var printed = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), printed.Select(f => f[1]));
        Assert.All(printed, f => Assert.Equal(reference[f[1]], f[0]));
        Assert.Contains("broken.jpg", result.Stderr);
    }

    [Fact]
    public void HashThenDedupRemovesTheDuplicateSampleImagesAndExplainsThem()
    {
        using var dir = TestPaths.NewTempDir();
        var images = TestPaths.Sample("data-juicer", "images");
        File.WriteAllLines(dir.File("captions.jsonl"), Directory.GetFiles(images).Select(Path.GetFileName).Order().Select(name =>
            JsonSerializer.Serialize(new { id = name, image = name, conversations = new[] { new { from = "human", value = "<image>\nDescribe it." }, new { from = "gpt", value = "A picture of " + name } } })));
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "ingest", dir.File("captions.jsonl"), "--image-root", images, "-o", dir.File("ingested")).ExitCode);
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "hash", dir.File("ingested"), "-o", dir.File("hashed")).ExitCode);

        var dedup = CliRunner.Run(TestPaths.RepoRoot, "dedup", dir.File("hashed"), "-o", dir.File("deduped"), "--match", "image");

        Assert.Equal(0, dedup.ExitCode);
        Assert.Contains("dedup-near-image: 5", dedup.Stdout + dedup.Stderr);
        var removed = File.ReadAllLines(Path.Combine(dir.File("deduped"), "clusters.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("kept").GetProperty("id").GetString()!);
        Assert.Equal(new Dictionary<string, string>
        {
            ["img4.png"] = "img1.png", ["img5.jpg"] = "img2.jpg", ["img6.jpg"] = "img3.jpg", ["img7.jpg"] = "img3.jpg", ["img_pair_2.jpg"] = "img_pair_1.jpg",
        }, removed);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir.File("deduped"), DatasetDirectory.RejectsFile)).Length);
        var manifest = Manifest.Load(dir.File("deduped"));
        Assert.Equal(["ingest", "hash", "dedup"], manifest.Stages.Select(s => s.Name));
        Assert.Equal(6, manifest.Records);
    }
}

public class TagCliTests
{
    [Fact]
    public void TagThenMapFitAndExplainRunOnLlavaData()
    {
        using var dir = TestPaths.NewTempDir();
        var repo = TestPaths.RepoRoot;
        Assert.Equal(0, CliRunner.Run(repo, "ingest", TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"),
            TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"), "--disable", "image-missing", "-o", dir.File("in")).ExitCode);

        var tag = CliRunner.Run(repo, "tag", dir.File("in"), "-o", dir.File("tagged"));

        Assert.Equal(0, tag.ExitCode);
        var samples = Ingest.Samples(dir.File("tagged"));
        Assert.All(samples, s => Assert.NotEmpty(s.ImageTags));
        // the GPT-4 QA records have questions, so a taxonomy path; caption records have none
        Assert.Equal(90, samples.Count(s => s.InstructionTags.Count == 1 && s.InstructionTags[0].Path.Split('/').Length == 3));
        using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("tagged"), "tag_stats.json")));
        Assert.Equal(170, stats.RootElement.GetProperty("statistics").GetProperty("samples").GetInt32());

        Assert.Equal(0, CliRunner.Run(repo, "map", "fit", dir.File("tagged"), "-o", dir.File("model.json"), "--min-support", "1").ExitCode);
        var explain = CliRunner.Run(repo, "map", "explain", dir.File("model.json"), "dog,frisbee,grass", "--top", "3");
        Assert.Equal(0, explain.ExitCode);
        Assert.Contains("because dog", explain.Stdout);
        Assert.Contains("chosen:", explain.Stdout);
    }
}

public class ModelTagCliTests
{
    [Fact]
    public async Task TagWithAVisionModelAndAnLlmClassifierGoesThroughTheServerOnceAndReadsTheCacheOnRerun()
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        // The VLM sees an image and answers in prose around a list, with one word outside the vocabulary;
        // the classifier's first answer is no taxonomy path, its corrected one is.
        server.Responder = request => request.ImageUrls.Any()
            ? FakeReply.Text("Sure! Tags: [\"dog\", \"frisbee\", \"flibbertigibbet\"]")
            : request.Texts.Any(t => t.Contains("not one of", StringComparison.OrdinalIgnoreCase) || t.Contains("invalid", StringComparison.OrdinalIgnoreCase))
                ? FakeReply.Text("{\"path\": \"fine-grained-perception-single-instance/ocr/recognize-printed-text\"}")
                : FakeReply.Text("{\"path\": \"reading things\"}");
        var images = TestPaths.Sample("data-juicer", "images");
        File.WriteAllText(dir.File("in.jsonl"), JsonSerializer.Serialize(new
        {
            id = "cat", image = "cat.jpg",
            conversations = new[] { new { from = "human", value = "<image>\nWhat is written here?" }, new { from = "gpt", value = "Nothing." } },
        }) + "\n");
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "ingest", dir.File("in.jsonl"), "--image-root", images, "-o", dir.File("in")).ExitCode);
        string[] tagArgs(string output) => ["tag", dir.File("in"), "-o", dir.File(output), "--image-taggers", "vlm", "--classifier", "llm",
            "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vl", "--model-cache", dir.File("cache.sqlite")];

        var first = CliRunner.Run(TestPaths.RepoRoot, tagArgs("tagged"));

        Assert.True(first.ExitCode == 0, first.Stderr + first.Stdout);
        var sample = Ingest.Samples(dir.File("tagged")).Single();
        Assert.Equal([("dog", "vlm"), ("frisbee", "vlm")], sample.ImageTags.Select(t => (t.Tag, t.By!)));
        Assert.Equal(("fine-grained-perception-single-instance/ocr/recognize-printed-text", "llm"), (sample.InstructionTags.Single().Path, sample.InstructionTags.Single().By!));
        Assert.StartsWith("data:image/jpeg;base64,", server.Requests.SelectMany(r => r.ImageUrls).Single());
        var calls = server.RequestCount;
        Assert.Equal(3, calls); // the image, the invalid path, the correction
        using (var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("tagged"), "tag_stats.json"))))
            Assert.Equal("flibbertigibbet", stats.RootElement.GetProperty("image_taggers").GetProperty("unknown_words")[0].GetProperty("word").GetString());

        var rerun = CliRunner.Run(TestPaths.RepoRoot, tagArgs("again"));

        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(calls, server.RequestCount);
        Assert.Contains("3 answered from the cache", rerun.Stdout);
    }

    [Fact]
    public void AnUnreachableModelRejectsTheSamplesWithTheReasonAndTheRunEnds()
    {
        using var dir = TestPaths.NewTempDir();
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "ingest", TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"),
            "--disable", "image-missing", "-o", dir.File("in")).ExitCode);

        // port 9 (discard) on the loopback: nothing listens, the connection is refused at once
        var result = CliRunner.Run(TestPaths.RepoRoot, "tag", dir.File("in"), "-o", dir.File("out"), "--classifier", "llm",
            "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--model-cache", dir.File("cache.sqlite"));

        Assert.Equal(1, result.ExitCode);
        var rejects = Ingest.Rejects(dir.File("out"));
        Assert.Equal(90, rejects.Count);
        Assert.All(rejects, r => Assert.Equal("tag-llm", r.GetProperty("rule").GetString()));
    }
}

public class MapExplainImageCliTests
{
    [Fact]
    public async Task MapExplainTagsAnImageFileWithTheVisionModelAndExplainsTheTypes()
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = _ => FakeReply.Text("[\"menu\", \"text\", \"table\"]");
        const string ocr = "fine-grained-perception-single-instance/ocr/recognize-printed-text";
        const string animals = "coarse-perception/image-scene/identify-objects";
        var seed = Enumerable.Range(0, 20).Select(i =>
        {
            var sample = new MMForge.Records.Sample { Id = i.ToString() };
            foreach (var tag in i % 2 == 0 ? new[] { "menu", "text", "sign" } : ["dog", "cat", "grass"]) sample.ImageTags.Add(new MMForge.Records.ImageTag(tag, 1.0, "text"));
            sample.InstructionTags.Add(new MMForge.Records.InstructionTag(i % 2 == 0 ? ocr : animals, 1.0, "embedded"));
            return sample;
        });
        MMForge.Tagging.Correspondence.CorrespondenceModel.Fit(seed, new MMForge.Tagging.Correspondence.CorrespondenceOptions { MinSupport = 1 }).Save(dir.File("model.json"));

        var result = CliRunner.Run(TestPaths.RepoRoot, "map", "explain", dir.File("model.json"), TestPaths.Sample("data-juicer", "images", "cat.jpg"),
            "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vl", "--model-cache", dir.File("cache.sqlite"), "--top", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Single(server.Requests.SelectMany(r => r.ImageUrls));
        Assert.Contains(ocr, result.Stdout);
        Assert.DoesNotContain(animals, result.Stdout);
        Assert.Contains("because", result.Stdout);
    }
}

public class SynthesizeCliTests
{
    [Fact]
    public void TheAnnotationsGeneratorTurnsCaptionAndBoxRecordsIntoGroundedDialogues()
    {
        using var dir = TestPaths.NewTempDir();
        Assert.Equal(0, CliRunner.Run(TestPaths.RepoRoot, "ingest", TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"),
            "--disable", "image-missing", "-o", dir.File("in")).ExitCode);

        var first = CliRunner.Run(TestPaths.RepoRoot, "synthesize", dir.File("in"), "-o", dir.File("a"), "--random-seed", "3");
        CliRunner.Run(TestPaths.RepoRoot, "synthesize", dir.File("in"), "-o", dir.File("b"), "--random-seed", "3");

        Assert.Equal(0, first.ExitCode); // the three records without boxes still have captions to ask about
        var samples = Ingest.Samples(dir.File("a"));
        Assert.Equal(80, samples.Count);
        Assert.All(samples, s =>
        {
            Assert.StartsWith("<image>\n", s.Turns[0].Value);
            Assert.Equal(["human", "gpt"], s.Turns.Take(2).Select(t => t.Role));
            Assert.Contains("\"generator\":\"annotations\"", s.Extra.Single(e => e.Key == "synthesis").Value, StringComparison.Ordinal);
            Assert.Contains("{\"kind\":\"brief-description\",\"mminstruct_type\":\"short-vqa\"}", s.Extra.Single(e => e.Key == "synthesis").Value, StringComparison.Ordinal);
        });
        Assert.Equal(77, samples.Count(s => s.Extra.Single(e => e.Key == "synthesis").Value.Contains("{\"kind\":\"detailed-objects\",\"mminstruct_type\":\"long-vqa\"}", StringComparison.Ordinal)));
        Assert.Empty(Ingest.Rejects(dir.File("a")));
        Assert.Equal(File.ReadAllText(Path.Combine(dir.File("a"), "data", "part-00000.jsonl")), File.ReadAllText(Path.Combine(dir.File("b"), "data", "part-00000.jsonl")));
    }
}
