using MMForge.FakeOpenAi;
using MMForge.Models;
using MMForge.Records;
using MMForge.Synthesis;
using MMForge.Synthesis.Journal;
using MMForge.Synthesis.Llm;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis.Llm;

/// <summary>The llm generator on LLaVA's own caption/box file, against a chat server over real HTTP.</summary>
public sealed class LlmContextGeneratorTests : IAsyncLifetime
{
    private const string Model = "Qwen/Qwen2.5-7B-Instruct";

    private static readonly Lazy<List<Sample>> CapsBoxes = new(() =>
        Read.All(TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl")).Samples);

    private readonly TempDir dir = TestPaths.NewTempDir();
    private FakeOpenAiServer server = null!;
    private ModelClient client = null!;
    private SynthesisJournal journal = null!;

    public async ValueTask InitializeAsync()
    {
        server = await FakeOpenAiServer.StartAsync();
        server.Responder = LlmReplies.Good;
        client = new ModelClient([new ModelEndpoint(server.BaseUrl, Model)]);
        journal = new SynthesisJournal(dir.File("journal.db"), "test");
    }

    public async ValueTask DisposeAsync()
    {
        journal.Dispose();
        await server.DisposeAsync();
        dir.Dispose();
    }

    /// <summary>The donut shop: five captions and ten donut boxes.</summary>
    private static Sample Donuts => CapsBoxes.Value.Single(s => s.Id == "000000296284");

    private static readonly string[] ShippedDescriptionInstructions =
        File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "src", "MMForge", "Synthesis", "Prompts", "llm-description-instructions.txt"));

    private Task<ImageSynthesis> Generate(Sample sample, LlmGeneratorOptions? options = null) =>
        new LlmContextGenerator(client, options).GenerateAsync(sample, new GenerationContext(sample.Id, new StepMemo(journal, sample.Id), _ => null),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Each_kind_is_asked_once_with_the_captions_and_the_normalised_boxes()
    {
        await Generate(Donuts);

        Assert.Equal(LlmKinds.All, server.Requests.Select(LlmReplies.KindOf));
        foreach (var request in server.Requests)
        {
            Assert.Equal(Model, request.Model);
            var context = LlmReplies.ContextOf(request);
            Assert.All(Donuts.Annotations!.Captions, caption => Assert.Contains(caption, context));
            // the file's boxes (0.37, 0.584, ...) in LLaVA's form, three decimals
            Assert.Contains("donut: [0.370, 0.584, 0.504, 0.709]", context);
            Assert.Contains("donut: [0.000, 0.609, 0.097, 0.722]", context);
            Assert.Equal(10, context.Split('\n').Count(l => l.StartsWith("donut: [", StringComparison.Ordinal)));
            // the few-shot example comes before the image, and the system message says never to mention the source
            var user = request.Texts.Last();
            Assert.True(user.IndexOf("Example.", StringComparison.Ordinal) < user.LastIndexOf(Donuts.Annotations.Captions[0], StringComparison.Ordinal));
            Assert.Contains("never mention captions", request.Texts.First());
        }
    }

    [Fact]
    public async Task The_three_kinds_become_conversation_description_and_reasoning_pairs()
    {
        var result = await Generate(Donuts);

        Assert.Empty(result.Dropped);
        Assert.Equal(["conversation", "conversation", "detailed-description", "complex-reasoning"], result.Pairs.Select(p => p.Kind));
        Assert.Equal(("What kind of shop is this?", "It is a shop that sells food, with its goods on display behind glass."), (result.Pairs[0].Question, result.Pairs[0].Answer));
        Assert.Equal(("How many shelves can you see?", "There are two shelves, one above the other."), (result.Pairs[1].Question, result.Pairs[1].Answer));
        var description = result.Pairs[2];
        Assert.Contains(description.Question, ShippedDescriptionInstructions);
        Assert.Equal("A display case full of goods, arranged neatly on two shelves.", description.Answer);
        Assert.Equal(ReplyReader.DescribeImageType, description.InstructionType);
        Assert.Equal(("Why might the goods be kept behind glass?", "Glass keeps them clean and fresh while customers can still see them."), (result.Pairs[3].Question, result.Pairs[3].Answer));
        Assert.All(result.Pairs.Where(p => p.Kind != LlmKinds.DetailedDescription), p => Assert.Null(p.InstructionType));
    }

    [Fact]
    public void The_description_instruction_is_drawn_per_image_and_seeded()
    {
        var keys = CapsBoxes.Value.Select(s => s.Id).ToList();
        var reader = new ReplyReader(ShippedDescriptionInstructions, 7);
        var drawn = keys.Select(reader.DescriptionInstruction).ToList();

        Assert.Equal(drawn, keys.Select(new ReplyReader(ShippedDescriptionInstructions, 7).DescriptionInstruction));
        Assert.NotEqual(drawn, keys.Select(new ReplyReader(ShippedDescriptionInstructions, 8).DescriptionInstruction));
        // 80 images spread over the list, as LLaVA varied its detail prompts
        Assert.True(drawn.Distinct().Count() >= ShippedDescriptionInstructions.Length - 2, $"only {drawn.Distinct().Count()} distinct instructions");
    }

    [Fact]
    public async Task Prose_around_the_json_is_tolerated()
    {
        server.Responder = request => FakeReply.Text("Sure! Here is what you asked for:\n```json\n" + LlmReplies.Good(request).Content + "\n```\nI hope this helps.");

        var result = await Generate(Donuts);

        Assert.Equal(4, result.Pairs.Count);
        Assert.Empty(result.Dropped);
    }

    public static TheoryData<string, string, string?, string?> BadConversations => new()
    {
        // reply, rule, the question and the answer kept for the rejects file
        { "Here are some questions about the donuts.", "synthesis-bad-reply", null, "Here are some questions about the donuts." },
        { """{"conversation": []}""", "synthesis-bad-reply", null, """{"conversation": []}""" },
        { """{"pairs": [{"q": "a", "a": "b"}]}""", "synthesis-bad-reply", null, """{"pairs": [{"q": "a", "a": "b"}]}""" },
        { """{"conversation": [{"question": "What is on the shelves?", "answer": "  "}]}""", "synthesis-bad-reply", "What is on the shelves?", null },
        { "I'm sorry, but I cannot see the image, so I can't write a conversation about it.", "synthesis-refusal", null,
            "I'm sorry, but I cannot see the image, so I can't write a conversation about it." },
        { """{"conversation": [{"question": "What is on the shelves?", "answer": "As an AI, I cannot see images."}]}""", "synthesis-refusal",
            "What is on the shelves?", "As an AI, I cannot see images." },
        { """{"conversation": [{"question": "What do the captions say?", "answer": "They say it is a donut shop."}]}""", "synthesis-leaks-context",
            "What do the captions say?", "They say it is a donut shop." },
        { """{"conversation": [{"question": "Where is the lowest donut?", "answer": "Its bounding box starts at the left edge."}]}""", "synthesis-leaks-context",
            "Where is the lowest donut?", "Its bounding box starts at the left edge." },
        { """{"conversation": [{"question": "Where is the first donut?", "answer": "It is at [0.37, 0.584, 0.504, 0.709]."}]}""", "synthesis-leaks-context",
            "Where is the first donut?", "It is at [0.37, 0.584, 0.504, 0.709]." },
        { """{"conversation": [{"question": "Where are the donuts?", "answer": "Judging by their coordinates, on two shelves."}]}""", "synthesis-leaks-context",
            "Where are the donuts?", "Judging by their coordinates, on two shelves." },
    };

    [Theory]
    [MemberData(nameof(BadConversations))]
    public async Task A_bad_reply_a_refusal_or_a_leak_is_dropped_under_its_rule_with_its_text(string reply, string rule, string? question, string? answer)
    {
        server.Responder = _ => FakeReply.Text(reply);

        var result = await Generate(Donuts, new LlmGeneratorOptions { Kinds = [LlmKinds.Conversation] });

        Assert.Empty(result.Pairs);
        var dropped = Assert.Single(result.Dropped);
        Assert.Equal((rule, LlmKinds.Conversation, question, answer), (dropped.Rule, dropped.Kind, dropped.Question, dropped.Answer));
        Assert.False(string.IsNullOrWhiteSpace(dropped.Reason));
    }

    [Fact]
    public async Task Only_the_leaking_pair_of_a_conversation_is_dropped()
    {
        server.Responder = _ => FakeReply.Text(LlmReplies.Json(new
        {
            conversation = new[]
            {
                new { question = "What is in the display case?", answer = "Rows of donuts with different toppings." },
                new { question = "How many donuts are there?", answer = "The annotations list ten donuts." },
                new { question = "Are the donuts on one shelf?", answer = "No, they are on two shelves, an upper and a lower one." },
            },
        }));

        var result = await Generate(Donuts, new LlmGeneratorOptions { Kinds = [LlmKinds.Conversation] });

        Assert.Equal(["What is in the display case?", "Are the donuts on one shelf?"], result.Pairs.Select(p => p.Question));
        var leak = Assert.Single(result.Dropped);
        Assert.Equal(("synthesis-leaks-context", "How many donuts are there?"), (leak.Rule, leak.Question));
        Assert.Contains("annotations", leak.Reason);
    }

    [Fact]
    public async Task A_description_or_reasoning_reply_without_its_fields_is_a_bad_reply()
    {
        server.Responder = _ => FakeReply.Text("""{"text": "a shop"}""");

        var result = await Generate(Donuts, new LlmGeneratorOptions { Kinds = [LlmKinds.DetailedDescription, LlmKinds.ComplexReasoning] });

        Assert.Empty(result.Pairs);
        Assert.Equal([("synthesis-bad-reply", "detailed-description"), ("synthesis-bad-reply", "complex-reasoning")], result.Dropped.Select(d => (d.Rule, d.Kind!)));
    }

    [Fact]
    public async Task A_sample_with_neither_captions_nor_boxes_is_refused_without_asking()
    {
        // Qwen's chart QA records: images and questions, no annotations
        var chart = Read.All(TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json")).Samples[0];

        var result = await Generate(chart);

        Assert.Empty(result.Pairs);
        Assert.Equal("synthesis-no-context", Assert.Single(result.Dropped).Rule);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task The_kinds_asked_for_are_configurable_and_recorded()
    {
        var options = new LlmGeneratorOptions { Kinds = [LlmKinds.ComplexReasoning], Seed = 42, Temperature = 0.2f };
        var generator = new LlmContextGenerator(client, options);

        var result = await Generate(Donuts, options);

        Assert.Equal([LlmKinds.ComplexReasoning], server.Requests.Select(LlmReplies.KindOf));
        Assert.Equal(0.2, server.Requests.Single().Body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(["complex-reasoning"], result.Pairs.Select(p => p.Kind));
        var parameters = generator.Parameters;
        Assert.Equal(Model, (string?)parameters["model"]);
        Assert.StartsWith("llm@", (string?)parameters["prompts"]);
        Assert.Equal("""["complex-reasoning"]""", parameters["kinds"]!.ToJsonString());
        Assert.Equal(42UL, (ulong?)parameters["seed"]);
        Assert.Equal(0.2f, (float?)parameters["temperature"]);
        Assert.Equal("""{"model":"Qwen/Qwen2.5-7B-Instruct","prompts":"%s","seed":42}""".Replace("%s", (string?)parameters["prompts"]), generator.Provenance.ToJsonString());
    }

    [Theory]
    [InlineData("captioning")]
    [InlineData("conversation,conversation")]
    [InlineData("")]
    public void Unknown_repeated_or_no_kinds_are_refused(string kinds)
    {
        var options = new LlmGeneratorOptions { Kinds = kinds.Split(',', StringSplitOptions.RemoveEmptyEntries) };

        var error = Assert.Throws<ArgumentException>(() => new LlmContextGenerator(client, options));

        Assert.Contains("kind", error.Message);
    }

    [Fact]
    public async Task A_model_that_cannot_be_reached_fails_the_image_for_a_rerun()
    {
        server.Responder = _ => FakeReply.Error(400, "model not loaded");

        await Assert.ThrowsAsync<ModelCallException>(() => Generate(Donuts));
    }
}
