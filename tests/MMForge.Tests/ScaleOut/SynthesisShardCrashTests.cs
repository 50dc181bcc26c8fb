using Microsoft.Data.Sqlite;
using MMForge.FakeOpenAi;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;
using MMForge.Tests.Synthesis.Vlm;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// A synthesize shard killed with SIGKILL at seeded-random moments while both shards run against
/// the fake VLM: its relaunch resumes from its own journal (finished images and steps are not asked
/// again), and the merged output is byte-identical to an uninterrupted sharded run's, whose samples are
/// one process's.
/// </summary>
public sealed class SynthesisShardCrashTests : IDisposable
{
    private const int Concurrency = 4;
    private readonly VlmSynthesisSetup setup = new(VlmSynthesisSetup.DistinctImages);

    public void Dispose() => setup.Dispose();

    /// <summary>The fake VLM, a little slow so a kill lands among requests in flight; some answers scored low, so rejects are compared too.</summary>
    private static FakeReply Answer(RecordedRequest request) =>
        FakeVlm.Answer(request, score: string.Join("\n", request.Texts).Contains("Identify weather condition", StringComparison.Ordinal) ? 5 : 9) with { Delay = TimeSpan.FromMilliseconds(10) };

    /// <param name="cache">The model cache's name (default: the run's); a relaunch with a cache of its own can only be spared requests by its journal.</param>
    private string[] Synthesize(FakeOpenAiServer server, string name, string? cache = null, params string[] extra) =>
    [
        "synthesize", setup.InputDir, "-o", setup.Path(name), "--generator", "vlm", "--seed", setup.SeedDir, "--map", setup.MapPath,
        "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vlm", "--model-cache", setup.Path((cache ?? name) + ".cache.sqlite"),
        "--journal", setup.Path(name + ".journal.sqlite"), "--concurrency", Concurrency.ToString(), "--types-per-image", "3", "--workers", "1", .. extra,
    ];

    private string[] Shard(FakeOpenAiServer server, string name, int index, string? cache = null) => Synthesize(server, name, cache, "--shard", $"{index}/2");

    private CliRunner.Result Run(params string[] args) => CliRunner.Run(setup.Path(""), args);

    /// <summary>Exit 0, or 1 from merge-shards, which counts the pairs the judges refused as dropped (synthesize itself takes them as the method at work).</summary>
    private static void Succeeds(CliRunner.Result result) => Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);

    /// <summary>
    /// The model calls the killed shard's journal spares its relaunch, read from the file after the
    /// kill: each journaled step is one call, each finished image at least one (its steps were
    /// dropped when it finished). 0 when the shard was killed before its journal was made.
    /// </summary>
    private static long JournaledCalls(string journal)
    {
        if (!File.Exists(journal)) return 0;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = journal, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT CASE WHEN (SELECT count(*) FROM sqlite_master WHERE name IN ('images', 'steps')) = 2 "
            + "THEN (SELECT count(*) FROM images) + (SELECT count(*) FROM steps) ELSE 0 END";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_shard_killed_at_random_moments_and_relaunched_merges_into_the_bytes_of_an_uninterrupted_sharded_run()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.RecordRequests = false;
        server.Responder = Answer;

        // uninterrupted: shard 0 alone first, to know how many requests it makes
        Succeeds(Run(Shard(server, "clean", 0)));
        var shard0Requests = server.RequestCount;
        Succeeds(Run(Shard(server, "clean", 1)));
        Succeeds(Run("merge-shards", setup.Path("clean")));
        Succeeds(Run(Synthesize(server, "one")));
        DatasetLines.AssertSame(setup.Path("one"), setup.Path("clean"));
        Assert.True(shard0Requests >= 60, $"{shard0Requests} requests: too few to kill shard 0 midway");

        var journaledAtKills = 0L;
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var name = $"killed-{seed}";
            var killAt = new Random(seed).Next(1, shard0Requests); // before shard 0 can have asked everything, so it is still running
            var before = server.RequestCount;
            using var victim = CliRunner.Start(setup.Path(""), Shard(server, name, 0));
            var victimEnded = Task.Run(() => CliRunner.Wait(victim), TestContext.Current.CancellationToken); // reads its output as it comes
            var killedWhileRunning = new TaskCompletionSource<bool>();
            server.Responder = r =>
            {
                if (server.RequestCount - before >= killAt && killedWhileRunning.TrySetResult(!victim.HasExited)) victim.Kill(); // SIGKILL
                return Answer(r);
            };
            var other = await Task.Run(() => CliRunner.Run(setup.Path(""), Shard(server, name, 1)), TestContext.Current.CancellationToken);
            Succeeds(other);
            var ended = await victimEnded;
            Assert.True(killedWhileRunning.Task.IsCompleted && await killedWhileRunning.Task, $"seed {seed}: shard 0 ended before the kill at request {killAt}: {ended.Stdout}{ended.Stderr}");

            Assert.Equal((1, 0), (ShardStatus.Of(setup.Path(name))!.Complete, ShardStatus.Of(setup.Path(name))!.Running));
            Assert.Equal(2, Run("merge-shards", setup.Path(name)).ExitCode);
            var journaled = JournaledCalls(setup.Path(name + ".journal.00000-of-00002.sqlite"));
            journaledAtKills += journaled;
            server.Responder = Answer;
            var relaunchedAt = server.RequestCount;
            Succeeds(Run(Shard(server, name, 0, cache: name + ".relaunch")));
            Succeeds(Run("merge-shards", setup.Path(name)));

            FileTree.AssertIdentical(setup.Path("clean"), setup.Path(name), $"after shard 0 was killed at request {killAt} (seed {seed})");
            // The relaunch, with a model cache of its own, resumed from the killed shard's journal: no finished image
            // and no journaled step was asked again.
            Assert.InRange(server.RequestCount - relaunchedAt, 1, shard0Requests - journaled);
        }
        Assert.True(journaledAtKills > 0, "no kill came after a step was journaled; the journal was not put to the test");
    }
}
