using MMForge.FakeOpenAi;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;
using MMForge.Tests.Synthesis.Vlm;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// <c>mmforge synthesize --shard I/N</c> through the real CLI: every generator's choices are keyed by
/// the record (its location and id), never by the shard, so the merged shards hold exactly the
/// samples one process writes, in the same order (shards are contiguous runs of the input).
/// </summary>
public sealed class ShardedSynthesisTests
{
    private static void Succeeds(CliRunner.Result result) => Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);

    [Fact]
    public void Annotation_shards_merged_hold_the_samples_and_rejects_of_one_process_and_a_finished_shard_is_skipped()
    {
        using var dir = TestPaths.NewTempDir();
        // real annotations: COCO captions with normalised boxes (images not shipped), COCO pixel boxes, and chart QA with neither (rejected)
        Succeeds(CliRunner.Run(dir.Path, "ingest", TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"),
            TestPaths.Sample("sahi", "tests", "data", "coco_utils", "combined_coco.json"), TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json"),
            "-o", "in", "--disable", "image-missing"));
        string[] Synthesize(string output, params string[] extra) => ["synthesize", "in", "-o", output, "--generator", "annotations", "--random-seed", "3", "--max-turns", "3", "--workers", "1", .. extra];

        Succeeds(CliRunner.Run(dir.Path, Synthesize("one")));
        for (var i = 0; i < 3; i++) Succeeds(CliRunner.Run(dir.Path, Synthesize("sharded", "--shard", $"{i}/3")));
        var again = CliRunner.Run(dir.Path, Synthesize("sharded", "--shard", "2/3"));
        Assert.Contains("shard 2/3 is already complete", again.Stdout);
        Succeeds(CliRunner.Run(dir.Path, "merge-shards", "sharded"));

        DatasetLines.AssertSame(dir.File("one"), dir.File("sharded"));
        Assert.NotEmpty(DatasetLines.Rejects(dir.File("one")));
        var (one, merged) = (Manifest.Load(dir.File("one")), Manifest.Load(dir.File("sharded")));
        Assert.Equal((one.Records, one.Rejected), (merged.Records, merged.Rejected));
        Assert.Equal(one.RejectsByRule, merged.RejectsByRule);
        Assert.All(Enumerable.Range(0, 3), i => Assert.InRange(Manifest.Load(dir.File($"sharded/shards/{i:D5}-of-00003")).Records, 1, one.Records - 1));
    }

    [Fact]
    public async Task Vlm_shards_each_keep_their_own_journal_and_merged_hold_the_samples_of_one_process()
    {
        using var setup = new VlmSynthesisSetup();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.RecordRequests = false;
        server.Responder = r => FakeVlm.Answer(r, score: string.Join("\n", r.Texts).Contains("Identify weather condition", StringComparison.Ordinal) ? 5 : 9);
        string[] Synthesize(string output, params string[] extra) =>
        [
            "synthesize", setup.InputDir, "-o", setup.Path(output), "--generator", "vlm", "--seed", setup.SeedDir, "--map", setup.MapPath,
            "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vlm", "--model-cache", setup.Path(output + ".cache.sqlite"),
            "--concurrency", "4", "--types-per-image", "3", "--workers", "1", .. extra,
        ];

        Succeeds(CliRunner.Run(setup.Path(""), Synthesize("one")));
        var asked = server.RequestCount;
        for (var i = 0; i < 2; i++) Succeeds(CliRunner.Run(setup.Path(""), Synthesize("sharded", "--shard", $"{i}/2", "--journal", setup.Path("journal.sqlite"))));
        Succeeds(CliRunner.Run(setup.Path(""), "merge-shards", setup.Path("sharded")));

        DatasetLines.AssertSame(setup.Path("one"), setup.Path("sharded"));
        Assert.Equal(2 * asked, server.RequestCount); // the shards asked what one process asked, each request once
        Assert.True(File.Exists(setup.Path("journal.00000-of-00002.sqlite")) && File.Exists(setup.Path("journal.00001-of-00002.sqlite")));
        Assert.False(File.Exists(setup.Path("journal.sqlite")));
        Assert.True(File.Exists(setup.Path("one.journal.sqlite"))); // the default beside the output, unsharded
    }
}
