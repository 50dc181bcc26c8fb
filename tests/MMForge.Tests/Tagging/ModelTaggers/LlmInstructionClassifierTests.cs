using MMForge.FakeOpenAi;
using System.Text.Json;
using System.Text.RegularExpressions;
using MMForge.Models;
using MMForge.Records;
using MMForge.Tagging.ModelTaggers;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.ModelTaggers;

public sealed partial class LlmInstructionClassifierTests : IAsyncLifetime
{
    private FakeOpenAiServer server = null!;
    private ModelClient client = null!;

    /// <summary>The published taxonomy (spec/instruction_taxonomy.json) as slug id paths and "L1 / L2 / L3" display names.</summary>
    private static readonly Lazy<List<TaxonomyChoice>> Taxonomy = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Shared, "spec", "instruction_taxonomy.json")));
        return [.. from level1 in document.RootElement.EnumerateObject()
                   from level2 in level1.Value.EnumerateObject()
                   from leaf in level2.Value.EnumerateArray()
                   let name = leaf.GetString()!
                   select new TaxonomyChoice($"{Slug(level1.Name)}/{Slug(level2.Name)}/{Slug(name)}", $"{level1.Name} / {level2.Name} / {name}")];
    });

    private static string Slug(string name) => NonWord().Replace(name.ToLowerInvariant(), "_").Trim('_');

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonWord();

    private const string Weather = "coarse_perception/image_scene/identify_weather_condition";

    public async ValueTask InitializeAsync()
    {
        server = await FakeOpenAiServer.StartAsync();
        client = new ModelClient([new ModelEndpoint(server.BaseUrl, "Qwen/Qwen2.5-7B-Instruct")]);
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
    }

    private LlmInstructionClassifier Classifier(ModelClient? through = null) => new(through ?? client, Taxonomy.Value);

    private Task<ClassificationResult> Classify(string instruction, LlmInstructionClassifier? classifier = null) =>
        (classifier ?? Classifier()).ClassifyAsync(instruction, TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_model_sees_every_path_and_the_instruction_and_its_path_is_taken()
    {
        server.Enqueue(FakeReply.Text($$"""{"path": "{{Weather}}"}"""));

        var result = await Classify("<image>\nIs it raining in this picture?");

        Assert.Equal(new ClassificationResult(new InstructionTag(Weather, null, "llm"), null, 1), result);
        var texts = server.Requests.Single().Texts.ToList();
        Assert.All(Taxonomy.Value, choice => Assert.Contains($"{choice.Path}: {choice.DisplayName}", texts[0]));
        Assert.Contains("Is it raining in this picture?", texts[1]);
        var schemaEnum = server.Requests.Single().ResponseFormat!.Value.GetProperty("json_schema").GetProperty("schema")
            .GetProperty("properties").GetProperty("path").GetProperty("enum");
        Assert.Equal(Taxonomy.Value.Count, schemaEnum.GetArrayLength());
    }

    [Theory]
    [InlineData("coarse_perception/image_scene/identify_weather_condition")]
    [InlineData("coarse perception / IMAGE SCENE / identify weather condition")]
    [InlineData("I think the answer is:\n```json\n{\"path\": \"Coarse Perception / Image Scene / Identify weather condition\"}\n```")]
    public async Task A_listed_id_or_display_name_is_accepted(string reply)
    {
        server.Enqueue(FakeReply.Text(reply));

        var result = await Classify("What is the weather like?");

        Assert.Equal((Weather, 1), (result.Tag?.Path, result.Replies));
    }

    [Fact]
    public async Task Prose_around_a_bare_path_is_corrected_not_guessed_at()
    {
        server.Enqueue(FakeReply.Text($"Path: `{Weather}`"), FakeReply.Text(Weather));

        var result = await Classify("What is the weather like?");

        Assert.Equal((Weather, 2), (result.Tag?.Path, result.Replies));
    }

    [Fact]
    public async Task An_invalid_reply_is_corrected_once()
    {
        server.Enqueue(FakeReply.Text("""{"path": "perception/weather"}"""), FakeReply.Text($$"""{"path": "{{Weather}}"}"""));

        var result = await Classify("What is the weather like?");

        Assert.Equal((Weather, 2), (result.Tag?.Path, result.Replies));
        var retry = server.Requests[1];
        var roles = retry.Messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["system", "user", "assistant", "user"], roles);
        Assert.Contains("\"{\"path\": \"perception/weather\"}\" is not one of the listed paths", retry.Texts.Last());
    }

    [Fact]
    public async Task Two_invalid_replies_give_up_with_the_reason()
    {
        server.Enqueue(FakeReply.Text("weather"), FakeReply.Text("still weather"));

        var result = await Classify("What is the weather like?");

        Assert.Null(result.Tag);
        Assert.Equal(2, result.Replies);
        Assert.Equal(2, server.RequestCount);
        Assert.Contains("\"weather\", then \"still weather\"", result.FailureReason);
    }

    [Fact]
    public async Task An_empty_instruction_is_not_sent()
    {
        var result = await Classify("  ");

        Assert.Equal(new ClassificationResult(null, "the instruction is empty", 0), result);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Display_names_shared_by_several_paths_are_not_accepted()
    {
        var classifier = new LlmInstructionClassifier(client, [new TaxonomyChoice("a/other", "Other"), new TaxonomyChoice("b/other", "Other")]);
        server.Enqueue(FakeReply.Text("Other"), FakeReply.Text("b/other"));

        var result = await Classify("Anything?", classifier);

        Assert.Equal(("b/other", 2), (result.Tag?.Path, result.Replies));
    }

    [Fact]
    public async Task A_rerun_replays_both_replies_from_the_cache()
    {
        using var temp = TestPaths.NewTempDir();
        using var cache = new ModelCache(temp.File("cache.sqlite"));
        var cached = new ModelClient([new ModelEndpoint(server.BaseUrl, "Qwen/Qwen2.5-7B-Instruct")], cache: cache);
        server.Enqueue(FakeReply.Text("no idea"), FakeReply.Text(Weather));

        var first = await Classify("Is it sunny?", Classifier(cached));
        var rerun = await Classify("Is it sunny?", Classifier(cached));

        Assert.Equal(first, rerun);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(2, cached.Usage.CacheHits);
    }
}
