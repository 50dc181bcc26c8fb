using System.Text.Json;
using MMForge.FakeOpenAi;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Synthesis;
using MMForge.Synthesis.Vlm;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis.Vlm;

/// <summary>The Infinity-MM method end to end against a fake VLM over real HTTP, on real images.</summary>
public sealed class InfinityMmGeneratorTests : IDisposable
{
    private readonly VlmSynthesisSetup setup = new();

    public void Dispose() => setup.Dispose();

    private sealed record Run(Manifest Manifest, string Output, List<MMForge.Records.Sample> Samples, List<JsonElement> Rejects, ModelUsage Usage);

    private Run Synthesize(FakeOpenAiServer server, string name, InfinityMmOptions? options = null, int maxPairs = 8, ModelClientOptions? client = null)
    {
        using var cache = new ModelCache(setup.Path(name + ".cache.sqlite"));
        var model = new ModelClient([new ModelEndpoint(server.BaseUrl, "fake-vlm")], client ?? new ModelClientOptions { MaxConcurrency = 16 }, cache);
        var job = new SynthesisJob(setup.Generator(model, options), new SynthesisOptions { JournalPath = setup.Path(name + ".journal.sqlite"), MaxPairs = maxPairs, ImagesInFlight = 8, Workers = 2 });
        var output = setup.Path(name);
        Manifest manifest;
        using (var writer = new DatasetOutput(output, new DatasetWriterOptions())) manifest = job.Run(VlmSynthesisSetup.Open(setup.InputDir), writer);
        return new Run(manifest, output, Ingest.Samples(output), Ingest.Rejects(output), model.Usage);
    }

    [Fact]
    public async Task Every_image_gets_questions_of_its_chosen_types_with_two_examples_of_that_type()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = r => FakeVlm.Answer(r);
        var run = Synthesize(server, "out");

        Assert.Equal(4, run.Samples.Count);
        var questionRequests = server.Requests.Where(r => r.Texts.Any(t => t.Contains(FakeVlm.QuestionPrompt, StringComparison.Ordinal))).ToList();
        // one question per chosen type: two per image, or one where the tags point to a single type
        Assert.Equal(run.Samples.Sum(s => s.Turns.Count / 2), questionRequests.Count);
        Assert.InRange(questionRequests.Count, 6, 8);
        foreach (var request in questionRequests)
        {
            Assert.Equal(3, request.ImageUrls.Count()); // two examples and the image
            var type = VlmSynthesisSetup.SeedQuestions.Keys.Single(t => request.Texts.Any(x => x.Contains(MMForge.Tagging.Taxonomy.InstructionTaxonomy.Default.Get(t).Name, StringComparison.Ordinal)));
            var examples = request.Texts.Where(t => t.StartsWith("Question: ", StringComparison.Ordinal)).Select(t => t["Question: ".Length..]).ToList();
            Assert.Equal(2, examples.Count);
            Assert.All(examples, e => Assert.Contains(e, VlmSynthesisSetup.SeedQuestions[type]));
        }
    }

    [Theory]
    [InlineData(6, 9, 7, 8, "synthesis-question-irrelevant")]
    [InlineData(9, 7, 7, 8, "synthesis-answer-low-score")]
    [InlineData(6, 7, 6, 7, null)]
    public async Task Questions_and_answers_under_the_thresholds_are_dropped_with_their_score(int relevance, int score, int minRelevance, int minScore, string? rule)
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = r => FakeVlm.Answer(r, relevance, score);
        var run = Synthesize(server, "out", new InfinityMmOptions { MinRelevance = minRelevance, MinAnswerScore = minScore });

        if (rule is null)
        {
            Assert.Equal(4, run.Samples.Count);
            Assert.Empty(run.Rejects);
            return;
        }
        Assert.Empty(run.Samples);
        // every image is rejected under the refusing check, and each refused candidate is listed with its text
        Assert.Equal(4, run.Rejects.Count(r => r.GetProperty("action").GetString() != "dropped-turns" && r.GetProperty("rule").GetString() == rule));
        var dropped = run.Rejects.Where(r => r.GetProperty("action").GetString() == "dropped-turns").ToList();
        Assert.InRange(dropped.Count, 6, 8);
        Assert.All(dropped, d => Assert.Equal(rule, d.GetProperty("rule").GetString()));
        Assert.All(dropped, d => Assert.Contains(rule == "synthesis-question-irrelevant" ? $"relevance {relevance} is below {minRelevance}" : $"score {score} is below {minScore}", d.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Accepted_pairs_of_one_image_are_packed_into_samples_of_at_most_max_turns()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = r => FakeVlm.Answer(r);
        var run = Synthesize(server, "out", new InfinityMmOptions { TypesPerImage = 3 }, maxPairs: 1);

        var byImage = run.Samples.GroupBy(s => s.Id.Split('#')[0]).ToList();
        Assert.Equal(4, byImage.Count);
        var pairs = 0;
        foreach (var image in byImage)
        {
            var samples = image.ToList();
            Assert.Equal($"{image.Key}#vlm", samples[0].Id);
            for (var i = 1; i < samples.Count; i++) Assert.Equal($"{image.Key}#vlm-{i + 1}", samples[i].Id);
            Assert.All(samples, s => Assert.Equal(2, s.Turns.Count)); // one pair each
            foreach (var sample in samples)
            {
                Assert.StartsWith("<image>\n", sample.Turns[0].Value);
                Assert.DoesNotContain(sample.Turns.Skip(1), t => t.Value.Contains("<image>", StringComparison.Ordinal));
                Assert.Single(sample.Images);
                using var synthesis = JsonDocument.Parse(sample.Extra.Get("synthesis")!);
                var root = synthesis.RootElement;
                Assert.Equal("vlm", root.GetProperty("generator").GetString());
                Assert.Equal("fake-vlm", root.GetProperty("model").GetString());
                Assert.StartsWith("vlm@", root.GetProperty("prompts").GetString());
                foreach (var pair in root.GetProperty("pairs").EnumerateArray())
                {
                    Assert.Contains(pair.GetProperty("type").GetString(), VlmSynthesisSetup.SeedQuestions.Keys);
                    Assert.Contains(pair.GetProperty("style").GetString(), new[] { "short", "brief", "detailed" });
                    Assert.Equal(9, pair.GetProperty("relevance").GetInt32());
                    Assert.Equal(9, pair.GetProperty("score").GetInt32());
                    Assert.Equal(2, pair.GetProperty("examples").GetArrayLength());
                    pairs++;
                }
                Assert.Equal(sample.Turns.Count / 2, root.GetProperty("pairs").GetArrayLength());
                Assert.Equal(root.GetProperty("pairs").EnumerateArray().Select(p => p.GetProperty("type").GetString()).Distinct(), sample.InstructionTags.Select(t => t.Path));
            }
        }
        Assert.Equal(run.Samples.Count, pairs);
        Assert.Contains(byImage, image => image.Count() >= 2);
    }

    [Fact]
    public async Task A_rerun_answers_from_the_journal_with_no_request_and_writes_the_same_bytes()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = r => FakeVlm.Answer(r);
        var first = Synthesize(server, "out");
        var calls = server.RequestCount;
        var firstBytes = File.ReadAllBytes(Path.Combine(first.Output, "data", "part-00000.jsonl"));

        var second = Synthesize(server, "out");
        Assert.Equal(calls, server.RequestCount);
        Assert.Equal(firstBytes, File.ReadAllBytes(Path.Combine(second.Output, "data", "part-00000.jsonl")));
    }

    [Fact]
    public async Task Transport_faults_are_retried_and_bad_replies_dropped_under_their_rule_and_nothing_is_lost()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(
            FakeReply.Error(500), FakeReply.Error(503),
            FakeReply.Error(429, "slow down", retryAfter: "0"),
            new FakeReply { Delay = TimeSpan.FromSeconds(3), Content = "too late" },
            new FakeReply { RawBody = "{\"choices\": [{\"message\": " }); // a truncated body
        server.Responder = r =>
        {
            var text = string.Join("\n", r.Texts);
            var ocr = text.Contains("Recognize printed text", StringComparison.Ordinal) || text.Contains("the sign by the lake", StringComparison.Ordinal);
            if (text.Contains(FakeVlm.QuestionPrompt, StringComparison.Ordinal) && text.Contains("Identify weather condition", StringComparison.Ordinal))
                return FakeReply.Text("{\"question\": "); // invalid JSON
            if (text.Contains(FakeVlm.QuestionPrompt, StringComparison.Ordinal) && ocr) return FakeReply.Text("I'm sorry, I can't help with that.");
            if (text.Contains(FakeVlm.RelevancePrompt, StringComparison.Ordinal)) return FakeReply.Text("");
            return FakeVlm.Answer(r);
        };
        var client = new ModelClientOptions { MaxConcurrency = 4, BaseRetryDelay = TimeSpan.FromMilliseconds(10), RequestTimeout = TimeSpan.FromSeconds(1) };
        var run = Synthesize(server, "out", client: client);

        // no question survived: weather ones are invalid JSON, OCR ones refusals, animal ones get an empty relevance reply
        Assert.Empty(run.Samples);
        var dropped = run.Rejects.Where(r => r.GetProperty("action").GetString() == "dropped-turns").GroupBy(r => r.GetProperty("rule").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["synthesis-bad-reply", "synthesis-refusal"], dropped.Keys.Order());
        var images = run.Rejects.Where(r => r.GetProperty("action").GetString() != "dropped-turns").Select(r => r.GetProperty("id").GetString()).Order().ToList();
        Assert.Equal(["img-0", "img-1", "img-2", "img-3"], images); // every image accounted for
        Assert.Equal(0, run.Manifest.Records);
        Assert.Contains(run.Rejects, r => r.GetProperty("reason").GetString()!.Contains("holds no score", StringComparison.Ordinal));
        // the five transport faults were each retried, and counted (a slow machine may add a timeout of its own)
        Assert.InRange(run.Usage.Retries, 5, 8);
        Assert.Equal(0, run.Usage.Failures);
    }

    [Fact]
    public async Task An_image_whose_model_calls_fail_is_rejected_for_now_and_finished_by_the_rerun_with_only_the_missing_calls()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var down = true;
        server.Responder = r => down && string.Join("\n", r.Texts).Contains(FakeVlm.ScorePrompt, StringComparison.Ordinal) ? FakeReply.Error(503) : FakeVlm.Answer(r);
        var client = new ModelClientOptions { MaxConcurrency = 4, BaseRetryDelay = TimeSpan.FromMilliseconds(1), MaxAttempts = 2, BreakerFailureThreshold = 1000 };
        var failed = Synthesize(server, "out", client: client);
        Assert.Empty(failed.Samples);
        Assert.All(failed.Rejects, r => Assert.Equal("synthesis-model-failed", r.GetProperty("rule").GetString()));
        Assert.Equal(4, failed.Rejects.Count);

        down = false;
        var before = server.Requests.Count;
        var finished = Synthesize(server, "out", client: client);
        Assert.Equal(4, finished.Samples.Count);
        Assert.Empty(finished.Rejects);
        // only the answer scores were asked again: questions, relevance and answers came from the journal
        Assert.All(server.Requests.Skip(before), r => Assert.Contains(FakeVlm.ScorePrompt, string.Join("\n", r.Texts)));
        Assert.Equal(finished.Samples.Sum(s => s.Turns.Count / 2), server.Requests.Count - before);
    }

    [Fact]
    public async Task An_image_path_that_leaves_its_root_is_never_opened_nor_sent_and_the_record_is_rejected()
    {
        // a dataset written by someone else: one record's image edited to climb out of the root to a real picture
        var secret = setup.Path("secret.png");
        File.Copy(TestPaths.Sample("imagehash", "tests", "data", "peppers.png"), secret);
        var shard = Path.Combine(setup.InputDir, "data", "part-00000.jsonl");
        var lines = File.ReadAllLines(shard);
        lines[1] = lines[1].Replace("InternVL/images/image2.jpg", "../../../../../../../../.." + secret, StringComparison.Ordinal);
        File.WriteAllLines(shard, lines);
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = r => FakeVlm.Answer(r);

        var run = Synthesize(server, "out");

        Assert.Equal(3, run.Samples.Count);
        var rejected = Assert.Single(run.Rejects);
        Assert.Equal("path-escape", rejected.GetProperty("rule").GetString());
        Assert.Equal("img-1", rejected.GetProperty("id").GetString());
        // the picture outside the root was never sent
        var leaked = Convert.ToBase64String(File.ReadAllBytes(secret))[..200];
        Assert.DoesNotContain(server.Requests.SelectMany(r => r.ImageUrls), url => url.Contains(leaked, StringComparison.Ordinal));
        Assert.Equal(run.Samples.Sum(s => s.Turns.Count / 2) * 4, server.RequestCount);
    }

    [Fact]
    public async Task A_damaged_input_is_one_reject_and_the_run_ends_normally()
    {
        // the shard gzipped and damaged, as a bad disk or copy would leave it
        var shard = Path.Combine(setup.InputDir, "data", "part-00000.jsonl");
        using (var packed = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
                gzip.Write(File.ReadAllBytes(shard));
            // the first deflate block declared of the reserved type (after gzip's 10-byte header):
            // the inflater throws on it whatever the bytes around it, so every run meets the same damage
            var bytes = packed.ToArray();
            bytes[10] = 0b111;
            File.WriteAllBytes(shard + ".gz", bytes);
        }
        File.Delete(shard);
        var manifest = Path.Combine(setup.InputDir, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("part-00000.jsonl\"", "part-00000.jsonl.gz\"", StringComparison.Ordinal));
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = r => FakeVlm.Answer(r);

        var run = Synthesize(server, "out");

        Assert.Empty(run.Samples);
        Assert.Equal("source-unreadable", Assert.Single(run.Rejects).GetProperty("rule").GetString());
        Assert.Equal(0, server.RequestCount);
    }
}
