using System.IO.Compression;
using System.Text.Json;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Recipes;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// ingest --shard through the real CLI: the users' files carry no record count, so shards are cut
/// by where records lie in the input's bytes; the merged shards are one process's output.
/// </summary>
public sealed class ShardedIngestTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The example's ChatML, LLaVA and COCO files, a generated JSON Lines file and a gzipped one
    /// (3,000 records each, some naming missing images), and optionally a gzip file cut short
    /// (its broken end is rejected in the shard that reads it).
    /// </summary>
    private string Sources(bool withTruncated)
    {
        ExampleCopy.Into(_dir.File("examples"));
        ManyRecords.Ingest(_dir, 3_000, i => ($"Question {i}?", $"Answer {i}."));
        var images = TestPaths.Sample("data-juicer", "images");
        var lines = File.ReadAllLines(_dir.File("in.jsonl"));
        File.WriteAllLines(_dir.File("second.jsonl"), lines.Select((l, i) => l.Replace("\"id\":\"r", "\"id\":\"s").Replace(i % 97 == 0 ? "\"image\":\"" : "\u0000", "\"image\":\"missing-")));
        Gzip(_dir.File("second.jsonl"), _dir.File("second.jsonl.gz"));
        var list = new List<object>
        {
            new { path = _dir.File("examples/data/chatml/demo-dataset-chatml.jsonl"), source = "chatml" },
            new { path = _dir.File("in.jsonl"), source = "generated", image_root = images },
            new { path = _dir.File("examples/data/sahi/combined_coco.json"), source = "sahi" },
            new { path = _dir.File("second.jsonl.gz"), source = "gzipped", image_root = images },
        };
        list.AddRange(Directory.GetFiles(_dir.File("examples/data/llava"), "*.json").Order(StringComparer.Ordinal).Select(f => new { path = f, format = "llava", source = "llava" }));
        if (withTruncated)
        {
            var bytes = File.ReadAllBytes(_dir.File("second.jsonl.gz"));
            File.WriteAllBytes(_dir.File("cut.jsonl.gz"), bytes[..(bytes.Length / 2)]);
            list.Insert(2, new { path = _dir.File("cut.jsonl.gz"), source = "cut", image_root = images });
        }
        File.WriteAllText(_dir.File("sources.json"), JsonSerializer.Serialize(list));
        return _dir.File("sources.json");
    }

    private static void Gzip(string from, string to)
    {
        using var input = File.OpenRead(from);
        using var output = new GZipStream(File.Create(to), CompressionLevel.Fastest);
        input.CopyTo(output);
    }

    private void Ingest(string sources, string output, params string[] extra)
    {
        var result = CliRunner.Run(_dir.Path, ["ingest", "--sources-file", sources, "-o", output, "--workers", "1", .. extra]);
        Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(5, false)]
    public void Shards_cut_by_byte_position_merge_into_one_process_output(int count, bool withTruncated)
    {
        var sources = Sources(withTruncated);
        Ingest(sources, "whole");
        var perShard = new List<long>();
        for (var i = 0; i < count; i++)
        {
            Ingest(sources, "sharded", "--shard", $"{i}/{count}");
            perShard.Add(Manifest.Load(_dir.File($"sharded/shards/{new ShardSpec(i, count).Name}")).Stages[^1].RecordsIn);
        }
        Assert.True(CliRunner.Run(_dir.Path, "merge-shards", "sharded").ExitCode is 0 or 1);

        DatasetLines.AssertSame(_dir.File("whole"), _dir.File("sharded"));
        var (whole, merged) = (Manifest.Load(_dir.File("whole")), Manifest.Load(_dir.File("sharded")));
        Assert.Equal(whole.RecordsBySource, merged.RecordsBySource);
        Assert.Equal(whole.RejectsByRule, merged.RejectsByRule);
        Assert.Equal(whole.Sources.Select(s => (s.Name, s.Records, s.Rejected)), merged.Sources.Select(s => (s.Name, s.Records, s.Rejected)));
        if (withTruncated) Assert.True(merged.Sources.Single(s => s.Name == "cut").Rejected > 0, "the cut file's broken end is rejected once");
        // the byte cut spreads the work: no shard reads nothing, none reads nearly all (a cut gzip
        // file's trailer is garbage, so its declared size, and the balance, cannot be trusted)
        if (!withTruncated) Assert.All(perShard, n => Assert.InRange(n, 1, whole.Stages[^1].RecordsIn * 3 / 4));
    }
}
