using MMForge.FakeOpenAi;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Scoring;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// score as a map/reduce over shards (each shard's losses from the model, one decide step taking
/// the cut, a writing pass per shard, merge-shards): the records, their losses and the rejects are
/// one process's, with the fake model server answering over real HTTP.
/// </summary>
public sealed class ShardedScoreTests
{
    /// <summary>
    /// LLaVA's 90 COCO questions twice, as sources a and b: every loss appears once in each, so the
    /// global cut meets ties that straddle the shards, and the per-source cuts fall in different shards.
    /// </summary>
    [Theory]
    [InlineData(2, "global", "30")]
    [InlineData(3, "source", "25")]
    [InlineData(5, "global", "5")]
    public async Task Shards_merged_hold_the_one_process_losses_and_cut(int shards, string scope, string dropTop)
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        var llava = TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl");
        File.Copy(llava, dir.File("a.jsonl"));
        File.Copy(llava, dir.File("b.jsonl"));
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", "a.jsonl", "b.jsonl", "--disable", "image-missing", "-o", "in").ExitCode);
        string[] Score(string output, params string[] more) => ["score", "in", "-o", output, "--scope", scope, "--drop-top", dropTop,
            "--endpoint", server.BaseUrl.ToString(), "--model", "fake-lm", "--model-cache", dir.File($"{output}.sqlite"), "--workers", "1", .. more];
        Assert.Equal(0, CliRunner.Run(dir.Path, Score("one")).ExitCode);

        for (var i = shards - 1; i >= 0; i--) Assert.Equal(0, CliRunner.Run(dir.Path, Score("sharded", "--phase", "keys", "--shard", $"{i}/{shards}")).ExitCode);
        var decide = CliRunner.Run(dir.Path, Score("sharded", "--phase", "decide"));
        Assert.Equal(0, decide.ExitCode);
        var written = Enumerable.Range(0, shards).Select(i => CliRunner.Run(dir.Path, Score("sharded", "--shard", $"{i}/{shards}"))).ToList();
        written.ForEach(Ok);
        Assert.All(written, w => Assert.Contains("(decided over every shard)", w.Stdout)); // each shard says the cut it applied
        Assert.Equal(1, CliRunner.Run(dir.Path, "merge-shards", "sharded").ExitCode); // merge-shards says 1 for any rejects, the cut's too

        DatasetLines.AssertSame(dir.File("one"), dir.File("sharded"));
        var (one, merged) = (Manifest.Load(dir.File("one")), Manifest.Load(dir.File("sharded")));
        Assert.True(one.Rejected >= 9, $"the cut drops samples: {one.Rejected}");
        Assert.Equal(one.Stages[^1].Params["cuts"]!.ToJsonString(), merged.Stages[^1].Params["cuts"]!.ToJsonString());
        Assert.Contains("loss cut of", decide.Stdout);
    }

    [Fact]
    public async Task A_recipe_scores_the_same_with_two_workers_as_with_one_through_the_key_and_decide_steps()
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        var llava = TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl");
        File.Copy(llava, dir.File("a.jsonl"));
        File.Copy(llava, dir.File("b.jsonl"));
        File.WriteAllText(dir.File("recipe.yaml"), """
            name: scored
            sources:
              - path: a.jsonl
                source: a
              - path: b.jsonl
                source: b
            stages:
              - stage: ingest
                disable: [image-missing]
              - stage: score
                drop_top: 20
                scope: global
            """);
        string Run(string workers)
        {
            var run = dir.File("run-" + workers);
            var result = CliRunner.Run(dir.Path, new Dictionary<string, string> { ["HOME"] = dir.Path },
                "run", "recipe.yaml", "-o", run, "--workers", workers, "--shards", workers, "--endpoint", server.BaseUrl.ToString(), "--model", "fake-lm");
            Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
            return Path.Combine(run, "stages", "score");
        }

        var (one, two) = (Run("1"), Run("2"));

        // read from the sharded ingest's shard files, the rejects name other files; all else is the same
        Assert.Equal(DatasetLines.Records(one), DatasetLines.Records(two));
        var rejects = Path.Combine(one, DatasetDirectory.RejectsFile);
        Assert.Equal(DatasetLines.WithoutLocation(File.ReadAllBytes(rejects)), DatasetLines.WithoutLocation(File.ReadAllBytes(Path.Combine(two, DatasetDirectory.RejectsFile))));
        Assert.Equal(36, Manifest.Load(two).Rejected); // 20% of 180
        foreach (var log in new[] { "score-keys.shard-0.log", "score-keys.shard-1.log", "score-decide.log", "score.shard-1.log", "score-merge.log" })
            Assert.True(File.Exists(Path.Combine(dir.File("run-2"), "logs", log)), log);
    }

    [Fact]
    public async Task A_shard_written_before_its_cut_is_refused_and_a_finished_one_is_skipped()
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        Assert.Equal(0, CliRunner.Run(dir.Path, "ingest", TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"), "--disable", "image-missing", "-o", "in").ExitCode);
        string[] Score(params string[] more) => ["score", "in", "-o", "out", "--endpoint", server.BaseUrl.ToString(), "--model", "fake-lm", "--model-cache", dir.File("cache.sqlite"), .. more];

        Assert.Equal(0, CliRunner.Run(dir.Path, Score("--phase", "keys", "--shard", "0/2")).ExitCode);
        var early = CliRunner.Run(dir.Path, Score("--phase", "decide"));
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("1/2", early.Stderr);
        Assert.Equal(0, CliRunner.Run(dir.Path, Score("--phase", "keys", "--shard", "1/2")).ExitCode);
        var unwritten = CliRunner.Run(dir.Path, Score("--shard", "0/2"));
        Assert.Equal(2, unwritten.ExitCode);
        Assert.Contains("--phase decide", unwritten.Stderr);
        Assert.Contains("already complete", CliRunner.Run(dir.Path, Score("--phase", "keys", "--shard", "1/2")).Stdout);

        Assert.Equal(0, CliRunner.Run(dir.Path, Score("--phase", "decide")).ExitCode);
        Assert.Equal(0, CliRunner.Run(dir.Path, Score("--shard", "0/2")).ExitCode);
        Assert.Contains("already complete", CliRunner.Run(dir.Path, Score("--shard", "0/2")).Stdout);
        var otherCut = CliRunner.Run(dir.Path, Score("--shard", "1/2", "--drop-top", "20"));
        Assert.Equal(2, otherCut.ExitCode);
        Assert.Contains("decided with other options", otherCut.Stderr);
        Assert.Equal(2, CliRunner.Run(dir.Path, Score("--phase", "decide", "--shard", "0/2")).ExitCode);
    }

    [Fact]
    public async Task A_loss_shard_killed_midway_is_relaunched_asking_only_what_the_cache_lacks_and_writes_the_clean_bytes()
    {
        using var dir = TestPaths.NewTempDir();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.RecordRequests = false;
        ManyRecords.Ingest(dir, 20_000, i => ($"Question {i}?", $"Answer {i % 97} to it."));
        string[] Score(string output, params string[] more) => ["score", "in", "-o", output, "--drop-top", "10",
            "--endpoint", server.BaseUrl.ToString(), "--model", "fake-lm", "--model-cache", dir.File($"{output}.sqlite"), "--workers", "1", .. more];
        void Finish(string output, params int[] keyShards)
        {
            foreach (var shard in keyShards) Ok(CliRunner.Run(dir.Path, Score(output, "--phase", "keys", "--shard", $"{shard}/2")));
            Ok(CliRunner.Run(dir.Path, Score(output, "--phase", "decide")));
            foreach (var shard in new[] { 0, 1 }) Ok(CliRunner.Run(dir.Path, Score(output, "--shard", $"{shard}/2")));
            Assert.Equal(1, CliRunner.Run(dir.Path, "merge-shards", output).ExitCode);
        }
        Finish("clean", 0, 1);

        Ok(CliRunner.Run(dir.Path, Score("crashed", "--phase", "keys", "--shard", "1/2")));
        var before = server.RequestCount;
        using (var victim = CliRunner.Start(dir.Path, Score("crashed", "--phase", "keys", "--shard", "0/2")))
        {
            // killed once it has asked the server about a fifth of its 10,000 samples
            while (server.RequestCount - before < 2_000 && !victim.HasExited) Thread.Sleep(10);
            Assert.False(victim.HasExited, "the loss pass finished before it could be killed; give it more records");
            victim.Kill();
            victim.WaitForExit();
        }
        var asked = server.RequestCount - before;
        Finish("crashed", 0);

        Assert.InRange(server.RequestCount - before - asked, 1, 10_000 - 1_000); // the relaunch asked again only what the cache did not hold
        DatasetLines.AssertSame(dir.File("clean"), dir.File("crashed"));
    }

    [Fact]
    public void A_loss_table_with_unscored_samples_reads_back_as_written()
    {
        var table = new LossTable();
        table.Set(table.Add(new RecordLocation("a.jsonl", 1, 0, 10), "a"), ScoreOutcome.Of(1.5, 3));
        table.Set(table.Add(new RecordLocation("a.jsonl", 2, 10, 10), "b"), ScoreOutcome.Unscored("score-model", "HTTP 500"));
        table.Set(table.Add(new RecordLocation("a.jsonl", 3, 20, 10), "b"), ScoreOutcome.Of(0.25, 2));
        table.Set(table.Add(new RecordLocation("b.jsonl", 1, 0, 10), "c"), ScoreOutcome.Unscored("score-no-answer", "no answer"));

        var read = RoundTrip(table);

        Assert.Equal(4, read.Count);
        Assert.Equal(["a", "b", "c"], read.Sources);
        Assert.Equal((1.5f, 0.25f), (read.LossOf(0), read.LossOf(2)));
        Assert.True(float.IsNaN(read.LossOf(1)));
        Assert.Equal(("score-model", "HTTP 500"), read.FailureOf(1));
        Assert.Equal(("score-no-answer", "no answer"), read.FailureOf(3));
        Assert.Equal((2, 1), (read.Find("a.jsonl", 20), read.SourceOf(2)));
        Assert.Equal(3, read.Find("b.jsonl", 0));
        Assert.Equal(2, read.Unscored);
    }

    private static void Ok(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

    private static LossTable RoundTrip(LossTable table)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) table.Write(writer);
        bytes.Position = 0;
        using var reader = new BinaryReader(bytes);
        return LossTable.Read(reader);
    }
}
