using System.Text.Json;
using MMForge.FakeOpenAi;
using MMForge.Formats;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Synthesis;
using MMForge.Synthesis.Llm;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis.Llm;

/// <summary>A whole synthesis run with the llm generator over LLaVA's 80 annotated COCO images, and its rerun.</summary>
public sealed class LlmSynthesisJobTests : IAsyncLifetime
{
    private static readonly string Input = TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl");

    private readonly TempDir dir = TestPaths.NewTempDir();
    private FakeOpenAiServer server = null!;
    private ModelClient client = null!;

    public async ValueTask InitializeAsync()
    {
        server = await FakeOpenAiServer.StartAsync();
        server.Responder = Reply;
        client = new ModelClient([new ModelEndpoint(server.BaseUrl, "llm")]);
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        dir.Dispose();
    }

    /// <summary>
    /// Good replies, except: every conversation has a third turn that names the captions, and the
    /// donut shop's description is a refusal.
    /// </summary>
    private static FakeReply Reply(RecordedRequest request)
    {
        var kind = LlmReplies.KindOf(request);
        if (kind == LlmKinds.DetailedDescription && LlmReplies.ContextOf(request).Contains("donut shop", StringComparison.Ordinal))
            return FakeReply.Text("I'm sorry, but I can't describe an image I cannot see.");
        if (kind != LlmKinds.Conversation) return LlmReplies.Good(request);
        var firstCaption = LlmReplies.ContextOf(request).Split('\n')[1];
        return FakeReply.Text(LlmReplies.Json(new
        {
            conversation = new[]
            {
                new { question = "What is happening in the image?", answer = firstCaption },
                new { question = "Is the scene indoors or outdoors?", answer = "It is hard to be sure, but it looks like an everyday place." },
                new { question = "What do the captions agree on?", answer = firstCaption },
            },
        }));
    }

    private Manifest Run(string output, int maxPairs = 8)
    {
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(Input)).ToList();
        using var dataset = new DatasetOutput(output, new DatasetWriterOptions());
        var generator = new LlmContextGenerator(client, new LlmGeneratorOptions { Seed = 3 });
        return new SynthesisJob(generator, new SynthesisOptions { JournalPath = dir.File("journal.db"), MaxPairs = maxPairs, ImagesInFlight = 8, Workers = 2 }, () => client.Usage)
            .Run(sources, dataset);
    }

    [Fact]
    public void Every_image_becomes_one_sample_of_its_pairs_and_the_refused_ones_are_in_the_rejects()
    {
        var output = Path.Combine(dir.Path, "out");
        Run(output);

        var inputs = Read.All(Input).Samples;
        var samples = Ingest.Samples(output);
        Assert.Equal(240, server.RequestCount); // three kinds for each of 80 images
        Assert.Equal(inputs.Select(s => s.Id + "#llm"), samples.Select(s => s.Id));
        foreach (var (sample, input) in samples.Zip(inputs))
        {
            var donuts = input.Id == "000000296284";
            Assert.Equal(donuts ? 6 : 8, sample.Turns.Count);
            Assert.Equal(Sample.ImageToken + "\nWhat is happening in the image?", sample.Turns[0].Value);
            Assert.Equal(input.Annotations!.Captions[0].Trim(), sample.Turns[1].Value.Trim());
            Assert.Equal(input.Images.Single().Path, sample.Images.Single().Path);
            Assert.Equal(input.Annotations.Captions, sample.Annotations!.Captions);

            using var synthesis = JsonDocument.Parse(sample.Extra.Get("synthesis")!);
            var record = synthesis.RootElement;
            Assert.Equal("llm", record.GetProperty("generator").GetString());
            Assert.Equal("llm", record.GetProperty("model").GetString());
            Assert.StartsWith("llm@", record.GetProperty("prompts").GetString());
            Assert.Equal(3, record.GetProperty("seed").GetInt32());
            var kinds = record.GetProperty("pairs").EnumerateArray().Select(p => p.GetProperty("kind").GetString()).ToList();
            Assert.Equal(donuts ? ["conversation", "conversation", "complex-reasoning"] : ["conversation", "conversation", "detailed-description", "complex-reasoning"], kinds);
            Assert.Equal(donuts ? [] : [ReplyReader.DescribeImageType], sample.InstructionTags.Select(t => t.Path));
        }

        var rejects = Ingest.Rejects(output);
        Assert.Equal(80, rejects.Count(r => r.GetProperty("rule").GetString() == "synthesis-leaks-context"));
        Assert.All(rejects.Where(r => r.GetProperty("rule").GetString() == "synthesis-leaks-context"), r =>
        {
            Assert.Equal("dropped-turns", r.GetProperty("action").GetString());
            Assert.Equal("What do the captions agree on?", r.GetProperty("turns")[0].GetProperty("value").GetString());
        });
        var refusal = Assert.Single(rejects, r => r.GetProperty("rule").GetString() == "synthesis-refusal");
        Assert.Equal("000000296284", refusal.GetProperty("id").GetString());
        Assert.StartsWith("detailed-description: the model declined", refusal.GetProperty("reason").GetString());
        Assert.Equal(81, rejects.Count);
    }

    [Fact]
    public void A_rerun_asks_the_model_nothing_and_writes_the_same_output()
    {
        var first = Path.Combine(dir.Path, "first");
        var second = Path.Combine(dir.Path, "second");
        Run(first);
        var asked = server.RequestCount;

        Run(second);

        Assert.Equal(240, asked);
        Assert.Equal(asked, server.RequestCount);
        Assert.Equal(Ingest.Samples(first).Select(Read.Canonical), Ingest.Samples(second).Select(Read.Canonical));
        Assert.Equal(Ingest.Rejects(first).Count, Ingest.Rejects(second).Count);
    }

    [Fact]
    public void Pairs_beyond_the_most_per_sample_go_to_a_second_sample()
    {
        var output = Path.Combine(dir.Path, "out");
        Run(output, maxPairs: 3);

        var samples = Ingest.Samples(output);
        Assert.Equal(79 * 2 + 1, samples.Count); // the donut shop's three pairs fit in one sample
        var two = samples.Where(s => s.Id.StartsWith("000000151358#", StringComparison.Ordinal)).ToList();
        Assert.Equal(["000000151358#llm", "000000151358#llm-2"], two.Select(s => s.Id));
        Assert.Equal([6, 2], two.Select(s => s.Turns.Count));
    }
}

/// <summary><c>mmforge synthesize --generator llm</c> as a user runs it: ingest LLaVA's caption/box file, then synthesize against a server.</summary>
public sealed class LlmSynthesizeCliTests
{
    [Fact]
    public async Task The_command_writes_one_sample_per_annotated_image_with_its_three_kinds()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Responder = LlmReplies.Good;
        using var dir = TestPaths.NewTempDir();
        var ingest = Cli.CliRunner.Run(dir.Path, "ingest", TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"), "-o", "caps", "--disable", "image-missing"); // the COCO images are not in the samples
        Assert.Equal(0, ingest.ExitCode);

        var run = Cli.CliRunner.Run(dir.Path, "synthesize", "caps", "-o", "out", "--generator", "llm", "--endpoint", server.BaseUrl.ToString(), "--model", "llm",
            "--model-cache", dir.File("cache.sqlite"), "--llm-kinds", "conversation", "complex-reasoning");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var samples = Ingest.Samples(dir.File("out"));
        Assert.Equal(80, samples.Count);
        Assert.Equal(160, server.RequestCount); // two kinds asked per image
        Assert.All(samples, s => Assert.EndsWith("#llm", s.Id));
        Assert.All(samples, s => Assert.Equal(["conversation", "complex-reasoning"],
            JsonDocument.Parse(s.Extra.Get("synthesis")!).RootElement.GetProperty("pairs").EnumerateArray().Select(p => p.GetProperty("kind").GetString()).Distinct()));
        Assert.Contains("model llm: 160 calls", run.Stdout);
    }
}
