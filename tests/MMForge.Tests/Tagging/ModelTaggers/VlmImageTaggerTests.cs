using MMForge.FakeOpenAi;
using MMForge.Models;
using MMForge.Records;
using MMForge.Tagging.ModelTaggers;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.ModelTaggers;

public sealed class VlmImageTaggerTests : IAsyncLifetime
{
    private FakeOpenAiServer server = null!;
    private ModelClient client = null!;
    private byte[] jpeg = [];

    public async ValueTask InitializeAsync()
    {
        server = await FakeOpenAiServer.StartAsync();
        client = new ModelClient([new ModelEndpoint(server.BaseUrl, "openbmb/MiniCPM-V-2_6")]);
        jpeg = await File.ReadAllBytesAsync(TestPaths.Sample("data-juicer", "images", "blip.jpg"));
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
    }

    private async Task<VlmTagResult> TagWithReply(string reply, VlmImageTagger? tagger = null)
    {
        server.Enqueue(FakeReply.Text(reply));
        return await (tagger ?? new VlmImageTagger(client, RamVocabulary.Resolve)).TagAsync(jpeg, ct: TestContext.Current.CancellationToken);
    }

    private static IEnumerable<string> Names(VlmTagResult result) => result.Tags.Select(tag => tag.Tag);

    [Fact]
    public async Task The_image_goes_as_a_data_url_with_the_prompt_and_a_tags_schema()
    {
        await TagWithReply("""{"tags": ["dog"]}""");

        var request = server.Requests.Single();
        Assert.Equal(["data:image/jpeg;base64," + Convert.ToBase64String(jpeg)], request.ImageUrls);
        Assert.Contains("at most 30 tags", request.Texts.Single());
        Assert.Equal("image_tags", request.ResponseFormat!.Value.GetProperty("json_schema").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"tags": ["Woman", "dog", "beach", "sand", "sunset"]}""")]
    [InlineData("""["woman", "dog", "beach", "sand", "sunset"]""")]
    [InlineData("```json\n{\"tags\": [\"woman\", \"dog\", \"beach\", \"sand\", \"sunset\"]}\n```")]
    [InlineData("Sure! Here are the tags for the image:\n[\"woman\", \"dog\", \"beach\", \"sand\", \"sunset\"]\nLet me know if you need more.")]
    [InlineData("woman, dog, beach, sand, sunset")]
    [InlineData("1. woman\n2. dog\n3) beach\n- sand\n* sunset.")]
    [InlineData("Objects: woman, dog\nScene: beach, sand\nTime: sunset")]
    [InlineData("""{"objects": ["woman", "dog"], "scene": "beach", "attributes": ["sand", "sunset"]}""")]
    public async Task Tags_are_read_from_every_reply_shape(string reply)
    {
        var result = await TagWithReply(reply);

        Assert.Equal(["woman", "dog", "beach", "sand", "sunset"], Names(result));
        Assert.All(result.Tags, tag => Assert.Equal((1.0, "vlm"), (tag.Score!.Value, tag.By!)));
        Assert.Empty(result.UnknownWords);
    }

    [Fact]
    public async Task Words_outside_the_vocabulary_are_dropped_and_counted()
    {
        var tagger = new VlmImageTagger(client, RamVocabulary.Resolve);

        var first = await TagWithReply("""{"tags": ["dog", "golden retriever puppy", "beach", "frisbee-ish thing"]}""", tagger);
        var second = await TagWithReply("dog, xyzzy", tagger);

        Assert.Equal(["dog", "beach"], Names(first));
        Assert.Equal(["golden retriever puppy", "frisbee-ish thing"], first.UnknownWords);
        Assert.Equal(["xyzzy"], second.UnknownWords);
        Assert.Equal((3, 3), (tagger.WordsKept, tagger.WordsDropped));
    }

    [Fact]
    public async Task A_confidence_given_by_the_model_becomes_the_score_and_duplicates_collapse()
    {
        var result = await TagWithReply("""
            {"tags": [{"tag": "dog", "confidence": 0.6}, {"name": "beach", "score": 0.8}, {"label": "Dog", "confidence": 0.9},
                      {"tag": "sky", "confidence": 7}]}
            """);

        Assert.Equal([new ImageTag("dog", 0.9, "vlm"), new ImageTag("beach", 0.8, "vlm"), new ImageTag("sky", 1.0, "vlm")], result.Tags);
    }

    [Fact]
    public async Task The_resolver_decides_the_spelling_of_the_tag()
    {
        var synonyms = new Dictionary<string, string> { ["puppy"] = "dog", ["seaside"] = "beach" };
        var tagger = new VlmImageTagger(client, word => synonyms.GetValueOrDefault(word) ?? RamVocabulary.Resolve(word));

        var result = await TagWithReply("puppy, seaside, DOG", tagger);

        Assert.Equal(["dog", "beach"], Names(result));
    }

    [Fact]
    public async Task An_empty_or_garbled_reply_gives_no_tags_and_no_crash()
    {
        var empty = await TagWithReply("");
        var garbled = await TagWithReply("{'tags': [}}}]]]");

        Assert.Empty(empty.Tags);
        Assert.Empty(garbled.Tags);
    }

    [Fact]
    public async Task Tagging_the_same_image_twice_through_a_cache_asks_once()
    {
        using var temp = TestPaths.NewTempDir();
        using var cache = new ModelCache(temp.File("cache.sqlite"));
        var cached = new ModelClient([new ModelEndpoint(server.BaseUrl, "openbmb/MiniCPM-V-2_6")], cache: cache);
        var tagger = new VlmImageTagger(cached, RamVocabulary.Resolve);
        server.Enqueue(FakeReply.Text("""{"tags": ["dog", "beach"]}"""));

        var first = await tagger.TagAsync(jpeg, ct: TestContext.Current.CancellationToken);
        var second = await tagger.TagAsync(jpeg, ct: TestContext.Current.CancellationToken);

        Assert.Equal(first.Tags, second.Tags);
        Assert.True(second.FromCache);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task An_image_url_is_passed_through()
    {
        server.Enqueue(FakeReply.Text("""["dog"]"""));
        var url = new Uri("https://example.org/images/dog.jpg");

        var result = await new VlmImageTagger(client, RamVocabulary.Resolve).TagAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(["dog"], Names(result));
        Assert.Equal([url.AbsoluteUri], server.Requests.Single().ImageUrls);
    }
}
