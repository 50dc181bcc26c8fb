using System.Diagnostics;
using MMForge.FakeOpenAi;
using MMForge.Tests.Cli;

namespace MMForge.Tests.Synthesis.Vlm;

/// <summary>
/// Crash safety of <c>mmforge synthesize</c>: the real CLI, killed (SIGKILL) at several points of
/// a run against the fake VLM, then rerun, writes exactly what an uninterrupted run writes, and
/// the killed run plus the rerun ask the model at most the requests in flight at the kill more.
/// </summary>
public sealed class SynthesisKillTests : IDisposable
{
    private const int Concurrency = 4;
    private readonly VlmSynthesisSetup setup = new();

    public void Dispose() => setup.Dispose();

    private string[] Arguments(FakeOpenAiServer server, string name) =>
    [
        "synthesize", setup.InputDir, "-o", setup.Path(name), "--generator", "vlm", "--seed", setup.SeedDir, "--map", setup.MapPath,
        "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vlm", "--model-cache", setup.Path(name + ".cache.sqlite"),
        "--journal", setup.Path(name + ".journal.sqlite"), "--concurrency", Concurrency.ToString(), "--types-per-image", "3",
    ];

    private static byte[][] Output(string dir) =>
        [File.ReadAllBytes(Path.Combine(dir, "data", "part-00000.jsonl")), File.ReadAllBytes(Path.Combine(dir, "rejects", "rejects.jsonl"))];

    [Fact]
    public async Task A_run_killed_at_any_point_and_rerun_writes_what_an_uninterrupted_run_writes()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.RecordRequests = false;
        // some candidates refused, so the rejects are compared too
        server.Responder = r => FakeVlm.Answer(r, score: string.Join("\n", r.Texts).Contains("Identify weather condition", StringComparison.Ordinal) ? 5 : 9);

        var clean = CliRunner.Run(setup.Path(""), Arguments(server, "clean"));
        Assert.True(clean.ExitCode == 0, clean.Stdout + clean.Stderr);
        var uninterrupted = server.RequestCount;
        var expected = Output(setup.Path("clean"));
        Assert.True(uninterrupted >= 20, $"{uninterrupted} requests");

        foreach (var killAt in new[] { 1, uninterrupted / 3, 2 * uninterrupted / 3, uninterrupted })
        {
            var name = $"killed-at-{killAt}";
            var before = server.RequestCount;
            using var child = CliRunner.Start(setup.Path(""), Arguments(server, name));
            var killed = new TaskCompletionSource();
            server.Responder = r =>
            {
                if (server.RequestCount - before >= killAt && !killed.Task.IsCompleted)
                {
                    child.Kill(entireProcessTree: true);
                    killed.TrySetResult();
                }
                return FakeVlm.Answer(r, score: string.Join("\n", r.Texts).Contains("Identify weather condition", StringComparison.Ordinal) ? 5 : 9);
            };
            await killed.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.False(Directory.Exists(setup.Path(name)) && File.Exists(Path.Combine(setup.Path(name), "manifest.json")), "a killed run wrote no dataset");

            var rerun = CliRunner.Run(setup.Path(""), Arguments(server, name));
            Assert.True(rerun.ExitCode == 0, rerun.Stdout + rerun.Stderr);
            Assert.Equal(expected, Output(setup.Path(name)));
            Assert.Empty(Directory.EnumerateDirectories(setup.Path(""), name + ".tmp-*")); // the killed run's half-written copy is gone
            var asked = server.RequestCount - before;
            Assert.InRange(asked, uninterrupted, uninterrupted + Concurrency);
        }
    }
}

/// <summary>What a user who leaves out what the vlm generator needs is told.</summary>
public sealed class SynthesizeUsageTests : IDisposable
{
    private readonly VlmSynthesisSetup setup = new();

    public void Dispose() => setup.Dispose();

    [Theory]
    [InlineData("--map", "needs --map model.json")]
    [InlineData("--seed", "needs --seed SEED_DIR")]
    [InlineData("--endpoint", "needs --endpoint URL and --model NAME")]
    public void A_missing_input_of_the_vlm_generator_is_named(string leftOut, string message)
    {
        var args = new List<string> { "synthesize", setup.InputDir, "-o", setup.Path("out"), "--generator", "vlm" };
        if (leftOut != "--map") args.AddRange(["--map", setup.MapPath]);
        if (leftOut != "--seed") args.AddRange(["--seed", setup.SeedDir]);
        if (leftOut != "--endpoint") args.AddRange(["--endpoint", "http://127.0.0.1:9/v1", "--model", "m"]);
        var result = CliRunner.Run(setup.Path(""), [.. args]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.False(Directory.Exists(setup.Path("out")));
    }
}
