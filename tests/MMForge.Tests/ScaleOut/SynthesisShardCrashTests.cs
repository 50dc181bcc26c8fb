using MMForge.FakeOpenAi;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;
using MMForge.Tests.Synthesis.Vlm;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// A synthesize shard killed with SIGKILL at seeded-random moments while both shards run against
/// the fake VLM: its relaunch resumes from its own journal (finished images are not asked again),
/// and the merged output is byte-identical to an uninterrupted sharded run's, whose samples are
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
        var requests = server.RequestCount;
        Succeeds(Run("merge-shards", setup.Path("clean")));
        Succeeds(Run(Synthesize(server, "one")));
        RecordMultiset.AssertSame(setup.Path("one"), setup.Path("clean"));
        Assert.True(shard0Requests >= 60, $"{shard0Requests} requests: too few to kill shard 0 midway");

        foreach (var seed in new[] { 1, 2, 3 })
        {
            var name = $"killed-{seed}";
            var killAt = new Random(seed).Next(1, shard0Requests); // before shard 0 can have asked everything, so it is still running
            var before = server.RequestCount;
            var victim = CliRunner.Start(setup.Path(""), Shard(server, name, 0));
            var killedWhileRunning = new TaskCompletionSource<bool>();
            server.Responder = r =>
            {
                if (server.RequestCount - before >= killAt && !killedWhileRunning.Task.IsCompleted)
                {
                    killedWhileRunning.TrySetResult(!victim.HasExited);
                    victim.Kill(entireProcessTree: true);
                }
                return Answer(r);
            };
            var other = await Task.Run(() => CliRunner.Run(setup.Path(""), Shard(server, name, 1)), TestContext.Current.CancellationToken);
            Assert.True(await killedWhileRunning.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken), $"seed {seed}: shard 0 ended before the kill");
            using (victim) CliRunner.Wait(victim);
            Succeeds(other);

            Assert.Equal((1, 0), (ShardStatus.Of(setup.Path(name))!.Complete, ShardStatus.Of(setup.Path(name))!.Running));
            Assert.Equal(2, Run("merge-shards", setup.Path(name)).ExitCode);
            server.Responder = Answer;
            Succeeds(Run(Shard(server, name, 0, cache: name + ".relaunch")));
            Succeeds(Run("merge-shards", setup.Path(name)));

            FileTree.AssertIdentical(setup.Path("clean"), setup.Path(name), $"after shard 0 was killed at request {killAt} (seed {seed})");
            // The relaunch, with an empty model cache, resumed from the killed shard's journal: asked again are only the
            // requests in flight at the kill (at most the concurrency) and those answered whose step the shard had not
            // journaled yet (a request's slot is freed before its step is written: at most the concurrency again).
            Assert.InRange(server.RequestCount - before, requests, requests + 2 * Concurrency);
        }
    }
}
