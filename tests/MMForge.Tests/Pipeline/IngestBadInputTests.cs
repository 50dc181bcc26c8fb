using System.Text;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Pipeline;

/// <summary>Bad input of every kind: each bad record gets a reject entry naming rule and location, and the rest goes on.</summary>
public class IngestBadInputTests
{
    private const string Good = """{"id": "ok-{0}", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image>\nWhat is it?"}, {"from": "gpt", "value": "A cat."}]}""";

    private static string GoodLine(int i) => Good.Replace("{0}", i.ToString());

    private static (Manifest Manifest, TempDir Dir) IngestLines(params byte[][] lines)
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllBytes(dir.File("a.jpg"), [0xFF, 0xD8, 0xFF]);
        var input = dir.File("data.jsonl");
        using (var f = File.Create(input))
            foreach (var line in lines) { f.Write(line); f.WriteByte((byte)'\n'); }
        return (Ingest.Run(dir.File("out"), input), dir);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void MalformedLineIsRejectedWithItsLineNumberAndTheRestLoads()
    {
        var (manifest, dir) = IngestLines(Utf8(GoodLine(1)), Utf8("{\"id\": \"bad\", \"conversations\": [,]}"), Utf8(GoodLine(3)));
        using var _ = dir;
        Assert.Equal(2, manifest.Records);
        var reject = Assert.Single(Ingest.Rejects(dir.File("out")));
        Assert.Equal("malformed-json", reject.GetProperty("rule").GetString());
        Assert.Equal(2, reject.GetProperty("line").GetInt64());
        Assert.Contains("line 2", reject.GetProperty("reason").GetString());
        Assert.Equal("{\"id\": \"bad\", \"conversations\": [,]}", reject.GetProperty("raw").GetString());
        Assert.Equal(["ok-1", "ok-3"], Ingest.Samples(dir.File("out")).Select(s => s.Id));
    }

    [Fact]
    public void InvalidUtf8IsRejectedAndKeptAsBase64()
    {
        var bad = Utf8(GoodLine(2).Replace("A cat.", "A c\u00e0t."));
        var at = Array.IndexOf(bad, (byte)0xC3);
        bad[at + 1] = 0x28; // a lead byte followed by a non-continuation byte
        var (manifest, dir) = IngestLines(Utf8(GoodLine(1)), bad);
        using var _ = dir;
        Assert.Equal(1, manifest.Records);
        var reject = Assert.Single(Ingest.Rejects(dir.File("out")));
        Assert.Equal("invalid-utf8", reject.GetProperty("rule").GetString());
        Assert.Equal(bad, reject.GetProperty("raw_base64").GetBytesFromBase64());
    }

    [Fact]
    public void FiftyMegabyteRecordLoadsAndAnOversizedOneIsRejectedWithoutLoading()
    {
        var huge = GoodLine(2).Replace("A cat.", new string('w', 50 << 20));
        var (manifest, dir) = IngestLines(Utf8(GoodLine(1)), Utf8(huge), Utf8(GoodLine(3)));
        using var _ = dir;
        Assert.Equal(3, manifest.Records);
        Assert.Equal(50 << 20, Ingest.Samples(dir.File("out"))[1].Turns[1].Value.Length);

        var input = dir.File("data.jsonl");
        var limited = Ingest.Run(dir.File("limited"), [new SourceRequest(input) { MaxRecordBytes = 1 << 20 }]);
        Assert.Equal(2, limited.Records);
        var reject = Assert.Single(Ingest.Rejects(dir.File("limited")));
        Assert.Equal("record-too-large", reject.GetProperty("rule").GetString());
        Assert.Equal(2, reject.GetProperty("line").GetInt64());
        Assert.True(reject.GetProperty("length").GetInt64() > 50 << 20);
    }

    [Fact]
    public void ImagePlaceholderAndTurnProblemsAreRejectedByNamedRules()
    {
        var (manifest, dir) = IngestLines(
            Utf8(GoodLine(1).Replace("<image>\\nWhat", "<image><image>What")),
            Utf8(GoodLine(2).Replace("A cat.", "")),
            Utf8(GoodLine(3).Replace("\"from\": \"human\"", "\"from\": \"gpt\"")),
            Utf8(GoodLine(4).Replace("<image>\\n", "")),
            Utf8(GoodLine(5)));
        using var _ = dir;
        Assert.Equal(2, manifest.Records);
        Assert.Equal(new SortedDictionary<string, long> { ["empty-turns"] = 1, ["image-token-count"] = 1, ["role-alternation"] = 1 }, manifest.RejectsByRule);
        var repaired = Ingest.Samples(dir.File("out"))[0];
        Assert.Equal("ok-4", repaired.Id);
        Assert.StartsWith("<image>\n", repaired.Turns[0].Value);
        var rejects = Ingest.Rejects(dir.File("out"));
        Assert.Equal([1L, 2L, 3L], rejects.Select(r => r.GetProperty("line").GetInt64()));
        Assert.All(rejects, r => Assert.Equal(JsonValueKindObject, r.GetProperty("record").ValueKind));
    }

    [Fact]
    public void PairsDroppedBeforeALaterRuleRejectsTheSampleAreStillInTheRejects()
    {
        // empty-turns drops the second pair; image-token-count then rejects what is left (two placeholders, one image)
        var line = GoodLine(1).Replace("<image>\\nWhat is it?", "<image><image>What is it?")
            .Replace("]}", ", {\"from\": \"human\", \"value\": \"And this?\"}, {\"from\": \"gpt\", \"value\": \"\"}]}");
        var (manifest, dir) = IngestLines(Utf8(line));
        using var _ = dir;
        Assert.Equal(0, manifest.Records);
        var rejects = Ingest.Rejects(dir.File("out"));
        Assert.Equal(["empty-turns", "image-token-count"], rejects.Select(r => r.GetProperty("rule").GetString()));
        Assert.Equal("And this?", rejects[0].GetProperty("turns")[0].GetProperty("value").GetString());
        Assert.Equal(2, rejects[1].GetProperty("record").GetProperty("conversations").GetArrayLength());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindObject = System.Text.Json.JsonValueKind.Object;

    [Fact]
    public void PathEscapesAreRejectedAndNothingOutsideTheRootIsTouched()
    {
        var (manifest, dir) = IngestLines(
            Utf8(GoodLine(1).Replace("a.jpg", "../../etc/passwd")),
            Utf8(GoodLine(2).Replace("a.jpg", "/etc/passwd")),
            Utf8(GoodLine(3).Replace("a.jpg", "missing.jpg")),
            Utf8(GoodLine(4)));
        using var _ = dir;
        Assert.Equal(1, manifest.Records);
        Assert.Equal(new SortedDictionary<string, long> { ["image-missing"] = 1, ["path-escape"] = 2 }, manifest.RejectsByRule);
    }

    [Fact]
    public void NothingIsLostEveryInputRecordIsKeptOrRejected()
    {
        var lines = new List<byte[]>();
        for (var i = 0; i < 500; i++)
            lines.Add(Utf8(i % 7 == 0 ? "{broken" : i % 11 == 0 ? GoodLine(i).Replace("<image>\\n", "<image><image>") : GoodLine(i)));
        var (manifest, dir) = IngestLines([.. lines]);
        using var _ = dir;
        Assert.Equal(500, manifest.Records + manifest.Rejected);
        Assert.Equal(manifest.Rejected, Ingest.Rejects(dir.File("out")).Count);
        Assert.Equal(manifest.Records, Ingest.Samples(dir.File("out")).Count);
    }

    [Fact]
    public void MalformedArrayElementIsRejectedAndLaterElementsLoad()
    {
        using var dir = TestPaths.NewTempDir();
        File.WriteAllBytes(dir.File("a.jpg"), [0xFF, 0xD8, 0xFF]);
        File.WriteAllText(dir.File("data.json"), $"[\n{GoodLine(1)},\n{{\"id\": 2, \"conversations\": [}}],\n{GoodLine(3)}\n]");
        var manifest = Ingest.Run(dir.File("out"), dir.File("data.json"));
        Assert.Equal(2, manifest.Records);
        Assert.Equal(3, Assert.Single(Ingest.Rejects(dir.File("out"))).GetProperty("line").GetInt64());
    }

    [Fact]
    public void UnreadableSourceBecomesOneRejectAndOtherSourcesStillLoad()
    {
        using var dir = TestPaths.NewTempDir();
        File.WriteAllBytes(dir.File("a.jpg"), [0xFF, 0xD8, 0xFF]);
        File.WriteAllText(dir.File("good.jsonl"), GoodLine(1) + "\n");
        var vanishing = new OpenedSource("vanishing", FormatRegistry.Default.Codec("llava"), Throwing()) { File = dir.File("gone.jsonl") };
        var good = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(dir.File("good.jsonl"))).Single();
        using var output = new DatasetOutput(dir.File("out"), new DatasetWriterOptions());
        var manifest = new RecordJob(new JobOptions { Stage = "ingest" }).Run([vanishing, good], output);
        Assert.Equal(2, manifest.Records); // the record read before the failure, and the other source's
        Assert.Equal(RecordJob.SourceErrorRule, Assert.Single(Ingest.Rejects(dir.File("out"))).GetProperty("rule").GetString());

        static IEnumerable<RawRecord> Throwing()
        {
            yield return new RawRecord(Encoding.UTF8.GetBytes(GoodLine(0)), new RecordLocation("gone.jsonl", 1, 0, 10));
            throw new IOException("disk went away");
        }
    }
}
