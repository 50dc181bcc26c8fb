using System.Text.Json;
using MMForge.FakeOpenAi;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Scoring;
using MMForge.Tests.Support;

namespace MMForge.Tests.Scoring;

/// <summary>
/// The score stage end to end over real data (LLaVA's 90 GPT-4 QA samples on COCO, split by their
/// type into three sources of 30: conversation, detail, complex reasoning) and real HTTP to the fake server.
/// </summary>
public sealed class ScoreJobTests : IAsyncLifetime
{
    private const string Model = "Qwen/Qwen2-VL-2B-Instruct";
    private static readonly string[] Types = ["conv", "detail", "complex"];

    private FakeOpenAiServer server = null!;
    private readonly TempDir dir = TestPaths.NewTempDir();

    public async ValueTask InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        dir.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ModelClientOptions Quick = new() { BaseRetryDelay = TimeSpan.FromMilliseconds(5), MaxRetryDelay = TimeSpan.FromSeconds(3) };

    /// <summary>The QA file ingested as one source per type.</summary>
    private string Dataset(params string[] types)
    {
        var lines = File.ReadAllLines(TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"));
        var inputs = types.Select(type =>
        {
            var file = dir.File(type + ".jsonl");
            File.WriteAllLines(file, lines.Where(line => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString() == type));
            return new SourceRequest(file) { SourceName = type };
        }).ToList();
        var path = dir.File("in-" + string.Join('-', types));
        Ingest.Run(path, inputs, new RuleSet(disable: ["image-missing"]));
        return path;
    }

    private Manifest Score(string input, string output, ScoreOptions options, ModelCache? cache = null, ModelClientOptions? client = null)
    {
        var model = new ModelClient([new ModelEndpoint(server.BaseUrl, Model)], client ?? Quick, cache);
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(input)).ToList();
        using var writer = new DatasetOutput(dir.File(output), new DatasetWriterOptions());
        return new ScoreJob(options, new SampleScorer(model, PromptTemplate.ChatMl)).Run(sources, writer);
    }

    [Fact]
    public async Task TheLossIsTheMeanNegativeLogprobOfTheAnswerTokens()
    {
        // Hand-computed: with ChatML the answer "A red cat." sits between "assistant\n" and "<|im_end|>";
        // the whitespace tokens touching it are "\nA" (straddling its start), " red" and " cat.<|im_end|>"
        // (straddling its end): (0.5 + 2.0 + 0.25) / 3.
        server.PromptTokens = prompt => FakeTokens.Whitespace(prompt, token => token switch
        {
            "\nA" => -0.5, " red" => -2.0, " cat.<|im_end|>" => -0.25, _ => -7,
        });
        var sample = new Sample { Id = "1" };
        sample.Turns.Add(new Turn("human", "<image>\nWhat is it?"));
        sample.Turns.Add(new Turn("gpt", "A red cat."));
        var client = new ModelClient([new ModelEndpoint(server.BaseUrl, Model)], Quick);

        var outcome = await new SampleScorer(client, PromptTemplate.ChatMl).ScoreAsync(sample, Ct);

        Assert.True(outcome.Scored, outcome.Reason);
        Assert.Equal(2.75 / 3, outcome.Loss, 12);
        Assert.Equal(3, outcome.Tokens);
        Assert.Contains("user\n<image>\nWhat is it?<|im_end|>", server.Requests.Single().Prompt);
    }

    [Fact]
    public async Task ALossBeyondAFloatsRangeIsNotAScore()
    {
        // finite log-probabilities, each one allowed, whose mean a float cannot hold (nor cuts.json write)
        server.PromptTokens = prompt => FakeTokens.Whitespace(prompt, _ => -1e300);
        var sample = new Sample { Id = "1" };
        sample.Turns.Add(new Turn("human", "<image>\nWhat is it?"));
        sample.Turns.Add(new Turn("gpt", "A red cat."));
        var client = new ModelClient([new ModelEndpoint(server.BaseUrl, Model)], Quick);

        var outcome = await new SampleScorer(client, PromptTemplate.ChatMl).ScoreAsync(sample, Ct);

        Assert.False(outcome.Scored);
        Assert.Equal(SampleScorer.ModelRule, outcome.Rule);
        Assert.Contains("beyond a float's range", outcome.Reason);
    }

    [Fact]
    public async Task ASampleWithoutAnAnswerIsNotSentAndGetsItsOwnRule()
    {
        var sample = new Sample { Id = "q" };
        sample.Turns.Add(new Turn("human", "<image>\nDescribe the image."));
        var client = new ModelClient([new ModelEndpoint(server.BaseUrl, Model)], Quick);

        var outcome = await new SampleScorer(client, PromptTemplate.ChatMl).ScoreAsync(sample, Ct);

        Assert.Equal(SampleScorer.NoAnswerRule, outcome.Rule);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public void TheTopPercentOfEachSourceIsDroppedAndEveryKeptSampleCarriesItsLoss()
    {
        var input = Dataset(Types);

        var manifest = Score(input, "out", new ScoreOptions { DropTopPercent = 10 });

        var kept = Ingest.Samples(dir.File("out"));
        var rejects = Ingest.Rejects(dir.File("out"));
        Assert.Equal(81, kept.Count);
        Assert.All(rejects, r => Assert.Equal(LossScoreRule.TopPercentRule, r.GetProperty("rule").GetString()));
        var dropped = rejects.Select(r => (Source: r.GetProperty("source").GetString()!, Loss: r.GetProperty("record").GetProperty("scores").GetProperty("loss").GetDouble(),
            Reason: r.GetProperty("reason").GetString()!)).ToList();
        var thresholds = new List<double>();
        foreach (var type in Types)
        {
            var keptLosses = kept.Where(s => s.Source == type).Select(s => s.Scores["loss"]).ToList();
            var droppedLosses = dropped.Where(d => d.Source == type).Select(d => d.Loss).ToList();
            Assert.Equal(27, keptLosses.Count);
            Assert.Equal(3, droppedLosses.Count); // floor(30 * 10%)
            Assert.True(droppedLosses.Min() >= keptLosses.Max(), $"{type}: a kept loss {keptLosses.Max()} is above a dropped one {droppedLosses.Min()}");
            thresholds.Add(droppedLosses.Min());
            Assert.All(dropped.Where(d => d.Source == type), d => Assert.Contains($"top 10% of source '{type}'", d.Reason));
        }
        Assert.Equal(3, thresholds.Distinct().Count()); // the sources' losses differ, so do their cuts
        var cuts = manifest.Stages[^1].Params["cuts"]!;
        Assert.Equal(3, (int)cuts["detail"]!["dropped"]!);
        Assert.Equal(Model, (string)manifest.Stages[^1].Params["model"]!);
    }

    [Fact]
    public void FivePercentOfThirtyDropsOneSamplePerSource()
    {
        var manifest = Score(Dataset(Types), "out", new ScoreOptions());

        Assert.Equal(3, manifest.RejectsByRule[LossScoreRule.TopPercentRule]);
        Assert.Equal(Types.Order(), Ingest.Rejects(dir.File("out")).Select(r => r.GetProperty("source").GetString()!).Order());
    }

    [Fact]
    public void EqualLossesAreCutByInputOrderKeepingTheEarlierSamples()
    {
        server.PromptTokens = prompt => FakeTokens.Whitespace(prompt, _ => -1.0);
        var input = Dataset("conv");
        var order = Ingest.Samples(input).Select(s => s.Id).ToList();

        Score(input, "out", new ScoreOptions { DropTopPercent = 10 });

        Assert.Equal(order[^3..], Ingest.Rejects(dir.File("out")).Select(r => r.GetProperty("id").GetString()!));
        Assert.All(Ingest.Samples(dir.File("out")), s => Assert.Equal(1.0, s.Scores["loss"]));
    }

    [Fact]
    public void ServerFaultsAreRetriedAndASampleTheModelCannotScoreIsRejectedWhileTheRestAreScored()
    {
        var input = Dataset("conv");
        // One sample at a time, so the scripted faults meet known samples: the first fails three times
        // (its attempts are used up), the second meets a 429 with Retry-After, the third a body that is not JSON.
        var outOfMemory = FakeReply.Error(500, "CUDA out of memory");
        server.EnqueueCompletion(outOfMemory, outOfMemory, outOfMemory,
            FakeReply.Error(429, "queue full", retryAfter: "1"), new FakeReply { RawBody = "upstream connect error" });

        var manifest = Score(input, "out", new ScoreOptions { DropTopPercent = 0, MaxPending = 1 }, client: Quick with { MaxAttempts = 3 });

        var reject = Assert.Single(Ingest.Rejects(dir.File("out")));
        Assert.Equal(SampleScorer.ModelRule, reject.GetProperty("rule").GetString());
        Assert.Contains("HTTP 500", reject.GetProperty("reason").GetString());
        Assert.Contains("CUDA out of memory", reject.GetProperty("reason").GetString());
        Assert.Equal(Ingest.Samples(input)[0].Id, reject.GetProperty("id").GetString());
        var kept = Ingest.Samples(dir.File("out"));
        Assert.Equal(29, kept.Count);
        Assert.All(kept, s => Assert.True(s.Scores["loss"] > 0));
        Assert.Equal(30 + 2 + 1 + 1, server.RequestCount);
        Assert.Equal(1, manifest.RejectsByRule[SampleScorer.ModelRule]);
    }

    [Fact]
    public void TheLossPassKeepsTheClientsConcurrencyLimitBusy()
    {
        var input = Dataset("conv");
        server.EnqueueCompletion(Enumerable.Repeat(new FakeReply { Delay = TimeSpan.FromMilliseconds(200) }, 30).ToArray());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Score(input, "out", new ScoreOptions(), client: Quick with { MaxConcurrency = 8 });

        Assert.Equal(8, server.MaxConcurrentRequests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"30 requests of 200 ms took {clock.Elapsed}: not in flight together");
    }

    [Fact]
    public void ARerunIsAnsweredFromTheCacheWithoutAnyRequestAndWritesTheSameDataset()
    {
        var input = Dataset(Types);
        using var cache = new ModelCache(dir.File("cache.sqlite"));
        Score(input, "first", new ScoreOptions(), cache);
        var calls = server.RequestCount;

        Score(input, "second", new ScoreOptions(), cache);

        Assert.Equal(90, calls);
        Assert.Equal(calls, server.RequestCount);
        foreach (var file in Directory.GetFiles(dir.File("first")).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("first"), file!)), File.ReadAllBytes(Path.Combine(dir.File("second"), file!)));
    }
}
