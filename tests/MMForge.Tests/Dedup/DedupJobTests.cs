using System.Text.Json;
using MMForge.Dedup;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Media;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Dedup;

public class DedupJobTests
{
    /// <summary>Ingests LLaVA-style records (id, image under <paramref name="imageRoot"/>, question, answer) and hashes their images.</summary>
    internal static string HashedDataset(TempDir dir, string imageRoot, IEnumerable<(string Id, string? Image, string Question, string Answer)> records)
    {
        File.WriteAllLines(dir.File("in.jsonl"), records.Select(r => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = r.Id,
            ["image"] = r.Image,
            ["conversations"] = new[]
            {
                new { from = "human", value = (r.Image is null ? "" : "<image>\n") + r.Question },
                new { from = "gpt", value = r.Answer },
            },
        }.Where(p => p.Value is not null).ToDictionary())));
        Ingest.Run(dir.File("ingested"), [new SourceRequest(dir.File("in.jsonl")) { ImageRoot = imageRoot }]);
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(dir.File("ingested"))).ToList();
        using (var output = new DatasetOutput(dir.File("hashed"), new DatasetWriterOptions()))
            new RecordJob(new JobOptions { Stage = "hash", Rules = RuleSet.Of(new ImageHashRule(DecodeLimits.Default)) }).Run(sources, output);
        return dir.File("hashed");
    }

    internal static Manifest Dedup(string input, string output, DedupOptions options)
    {
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(input)).ToList();
        using var o = new DatasetOutput(output, new DatasetWriterOptions());
        return new DedupJob(options).Run(sources, o);
    }

    internal static List<JsonElement> Clusters(string dataset) =>
        File.ReadLines(Path.Combine(dataset, ClustersFile.FileName)).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void ExactModeRemovesSamePhashAndSameConversationsOnlyAndExplainsEachRemoval()
    {
        using var dir = TestPaths.NewTempDir();
        var images = TestPaths.Sample("data-juicer", "images");
        var hashed = HashedDataset(dir, images,
        [
            ("a", "img1.png", "What is this?", "A bed."),
            ("b", "img4.png", "What is this?", "A bed."),        // byte-identical image, same dialogue: exact
            ("c", "img4.png", "What colour is it?", "White."),   // same image, another question: kept
            ("d", null, "Say hi.", "Hi."),
            ("e", null, "Say hi.", "Hi."),                       // text-only copy: exact
            ("f", "img2.jpg", "What is this?", "A bed."),         // another image: kept
        ]);

        var manifest = Dedup(hashed, dir.File("out"), new DedupOptions { Match = DedupMatch.Exact, Workers = 2 });

        Assert.Equal(["a", "c", "d", "f"], Ingest.Samples(dir.File("out")).Select(s => s.Id));
        Assert.Equal(new SortedDictionary<string, long> { ["dedup-exact"] = 2 }, manifest.RejectsByRule);
        var clusters = Clusters(dir.File("out"));
        Assert.Equal(["b", "e"], clusters.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["a", "d"], clusters.Select(c => c.GetProperty("duplicate_of").GetProperty("id").GetString()));
        Assert.All(clusters, c => Assert.Equal("exact", c.GetProperty("kind").GetString()));
        var reject = Ingest.Rejects(dir.File("out"))[0];
        Assert.Equal("exact duplicate of a (in)", reject.GetProperty("reason").GetString());
        Assert.Equal("b", reject.GetProperty("record").GetProperty("id").GetString());
        Assert.Equal(["ingest", "hash", "dedup"], manifest.Stages.Select(s => s.Name));
    }

    [Fact]
    public void TheSampleWithTheLowestLossIsKeptThenTheFirstSeen()
    {
        using var dir = TestPaths.NewTempDir();
        var lines = new[] { ("x1", (double?)null), ("x2", 2.5), ("x3", 1.5), ("x4", 1.5) }.Select(r => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = r.Item1, ["source"] = "s",
            ["conversations"] = new[] { new { from = "human", value = "Q?" }, new { from = "gpt", value = "A." } },
            ["qw2vl_loss"] = r.Item2,
        }.Where(p => p.Value is not null).ToDictionary()));
        File.WriteAllLines(dir.File("in.jsonl"), lines);
        Ingest.Run(dir.File("ds"), [new SourceRequest(dir.File("in.jsonl")) { Format = "infinity-mm" }]);

        Dedup(dir.File("ds"), dir.File("out"), new DedupOptions { Match = DedupMatch.Exact });

        Assert.Equal(["x3"], Ingest.Samples(dir.File("out")).Select(s => s.Id));
        Assert.All(Clusters(dir.File("out")), c => Assert.Equal("x3", c.GetProperty("kept").GetProperty("id").GetString()));
    }

    [Fact]
    public void PerSourceScopeKeepsCopiesInDifferentSources()
    {
        using var dir = TestPaths.NewTempDir();
        string Line(string id, string source) => JsonSerializer.Serialize(new
        {
            id, source, conversations = new[] { new { from = "human", value = "Q?" }, new { from = "gpt", value = "A." } },
        });
        File.WriteAllLines(dir.File("in.jsonl"), [Line("1", "left"), Line("2", "right"), Line("3", "left")]);
        Ingest.Run(dir.File("ds"), [new SourceRequest(dir.File("in.jsonl")) { Format = "infinity-mm" }]);

        Dedup(dir.File("ds"), dir.File("global"), new DedupOptions { Match = DedupMatch.Exact });
        Dedup(dir.File("ds"), dir.File("per-source"), new DedupOptions { Match = DedupMatch.Exact, Scope = DedupScope.Source });

        Assert.Equal(["1"], Ingest.Samples(dir.File("global")).Select(s => s.Id));
        Assert.Equal(["1", "2"], Ingest.Samples(dir.File("per-source")).Select(s => s.Id));
    }

    [Fact]
    public void PerSourceScopeSearchesNearImagesWithinEachSourceOfInterleavedRecords()
    {
        using var dir = TestPaths.NewTempDir();
        const ulong hash = 0x346f6f526cdc54de;
        string Line(string id, string source, ulong phash) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = id, ["source"] = source, ["image"] = $"{id}.jpg", ["phash"] = new[] { phash },
            ["conversations"] = new[] { new { from = "human", value = "<image>\nWhat is it?" }, new { from = "gpt", value = $"Answer {id}." } },
        });
        // the sources alternate, so each source's samples are scattered through the input
        File.WriteAllLines(dir.File("in.jsonl"),
        [
            Line("l1", "left", hash),
            Line("r1", "right", hash ^ 0b1),          // 1 bit from l1, in the other source
            Line("l2", "left", hash ^ 0b110),         // 2 bits from l1
            Line("r2", "right", hash ^ 0b1 ^ 1UL << 40), // 1 bit from r1
            Line("l3", "left", ~hash),                // far from everything
        ]);
        Ingest.Run(dir.File("ds"), [new SourceRequest(dir.File("in.jsonl")) { Format = "infinity-mm" }], RuleSet.Of());

        Dedup(dir.File("ds"), dir.File("global"), new DedupOptions { Match = DedupMatch.Image });
        Dedup(dir.File("ds"), dir.File("per-source"), new DedupOptions { Match = DedupMatch.Image, Scope = DedupScope.Source });

        Assert.Equal(["l1", "l3"], Ingest.Samples(dir.File("global")).Select(s => s.Id));
        Assert.Equal(["l1", "r1", "l3"], Ingest.Samples(dir.File("per-source")).Select(s => s.Id));
        Assert.Equal([("l2", "l1"), ("r2", "r1")], Clusters(dir.File("per-source"))
            .Select(c => (c.GetProperty("id").GetString(), c.GetProperty("duplicate_of").GetProperty("id").GetString())));
    }

    [Theory]
    [InlineData(DedupMatch.Text)]
    [InlineData(DedupMatch.ImageAndText)] // text-only samples all have "the same image": none
    public void NearDuplicateTextInDataJuicersDemoIsRemovedAndExplained(DedupMatch match)
    {
        using var dir = TestPaths.NewTempDir();
        Ingest.Run(dir.File("ds"), TestPaths.Sample("data-juicer", "demo-dataset-deduplication.jsonl"));

        var manifest = Dedup(dir.File("ds"), dir.File("out"), new DedupOptions { Match = match });

        static string Line(JsonElement e, string property) => e.GetProperty(property).GetProperty("id").GetString()!.Split(':')[1];
        var removed = Clusters(dir.File("out")).Select(c => (Line: c.GetProperty("id").GetString()!.Split(':')[1], Of: Line(c, "duplicate_of"), Kind: c.GetProperty("kind").GetString())).ToList();
        Assert.Equal([("9", "8", "near-text"), ("11", "10", "near-text"), ("12", "7", "exact"), ("14", "13", "near-text")], removed);
        Assert.Equal(10, manifest.Records);
        Assert.All(Clusters(dir.File("out")).Where(c => c.GetProperty("kind").GetString() == "near-text"),
            c => Assert.InRange(c.GetProperty("text_similarity").GetDouble(), 0.7, 1.0));
    }

    [Fact]
    public void TheResultIsTheSameForAnyNumberOfWorkers()
    {
        using var dir = TestPaths.NewTempDir();
        Ingest.Run(dir.File("ds"), TestPaths.Sample("data-juicer", "demo-dataset-deduplication.jsonl"));

        Dedup(dir.File("ds"), dir.File("one"), new DedupOptions { Match = DedupMatch.Text, Workers = 1 });
        Dedup(dir.File("ds"), dir.File("two"), new DedupOptions { Match = DedupMatch.Text, Workers = 2 });

        foreach (var file in new[] { "data/part-00000.jsonl", "rejects/rejects.jsonl", ClustersFile.FileName, "manifest.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(dir.File("one"), file)), File.ReadAllText(Path.Combine(dir.File("two"), file)));
    }

    [Fact]
    public void SamplesWithoutTextAreNeverTextDuplicates()
    {
        using var dir = TestPaths.NewTempDir();
        // Two COCO images with boxes and no captions: nothing to compare as text.
        Ingest.Run(dir.File("ds"), Path.Combine(TestPaths.RepoRoot, "examples", "data", "sahi", "combined_coco.json"));

        var manifest = Dedup(dir.File("ds"), dir.File("out"), new DedupOptions { Match = DedupMatch.Text });

        Assert.Equal(2, manifest.Records);
        Assert.Empty(Clusters(dir.File("out")));
    }
}
