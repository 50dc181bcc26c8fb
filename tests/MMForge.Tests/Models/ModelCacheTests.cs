using MMForge.FakeOpenAi;
using MMForge.Media;
using MMForge.Models;
using MMForge.Tests.Support;

namespace MMForge.Tests.Models;

public sealed class ModelCacheTests : IAsyncLifetime
{
    private FakeOpenAiServer server = null!;
    private readonly TempDir temp = TestPaths.NewTempDir();

    public async ValueTask InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    private ModelClient Client(ModelCache cache) => new([new ModelEndpoint(server.BaseUrl, "llava")], cache: cache);

    private static async Task<byte[]> Jpeg(string name) =>
        await File.ReadAllBytesAsync(TestPaths.Sample("data-juicer", "images", name), TestContext.Current.CancellationToken);

    private static ModelRequest Describe(byte[] image) =>
        new([ModelMessage.System("You tag images."), ModelMessage.User(new TextPart("tags?"), new ImagePart(image))]) { Temperature = 0, MaxOutputTokens = 64 };

    [Fact]
    public async Task An_answered_request_is_never_sent_again_not_even_by_a_rerun()
    {
        server.Enqueue(FakeReply.Text("dog, beach", 300, 4));
        var image = await Jpeg("blip.jpg");
        var path = temp.File("cache/model-cache.sqlite");

        using (var cache = new ModelCache(path))
        {
            var client = Client(cache);
            var first = await client.CompleteAsync(Describe(image), TestContext.Current.CancellationToken);
            var again = await client.CompleteAsync(Describe(image.ToArray()), TestContext.Current.CancellationToken);
            Assert.False(first.FromCache);
            Assert.Equal(first with { FromCache = true }, again);
            Assert.Equal((1, 1, 300), (client.Usage.HttpCalls, client.Usage.CacheHits, client.Usage.PromptTokens));
        }

        using (var cache = new ModelCache(path))
        {
            var rerun = Client(cache);
            var replay = await rerun.CompleteAsync(Describe(image), TestContext.Current.CancellationToken);
            Assert.Equal(("dog, beach", new TokenUsage(300, 4), true), (replay.Text, replay.Usage, replay.FromCache));
            Assert.Equal(0, rerun.Usage.PromptTokens);
        }
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_different_image_or_parameter_is_a_different_request()
    {
        using var cache = new ModelCache(temp.File("c.sqlite"));
        var client = Client(cache);
        var image = await Jpeg("blip.jpg");

        await client.CompleteAsync(Describe(image), TestContext.Current.CancellationToken);
        await client.CompleteAsync(Describe(await Jpeg("img2.jpg")), TestContext.Current.CancellationToken);
        await client.CompleteAsync(Describe(image) with { Temperature = 0.7f }, TestContext.Current.CancellationToken);
        await client.CompleteAsync(Describe(image), TestContext.Current.CancellationToken);

        Assert.Equal(3, server.RequestCount);
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public async Task Failed_requests_are_not_cached()
    {
        server.Enqueue(FakeReply.Error(400, "bad request"));
        using var cache = new ModelCache(temp.File("c.sqlite"));
        var client = Client(cache);

        await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Describe(new byte[] { 1, 2, 3 }), TestContext.Current.CancellationToken));
        var reply = await client.CompleteAsync(Describe([1, 2, 3]), TestContext.Current.CancellationToken);

        Assert.Equal("ok", reply.Text);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Many_threads_share_one_cache()
    {
        server.Responder = request => FakeReply.Text("reply to " + request.Texts.Last());
        using var cache = new ModelCache(temp.File("c.sqlite"));
        var client = Client(cache);
        var questions = Enumerable.Range(0, 40).Select(i => $"question {i % 20}").ToList();

        var replies = await Task.WhenAll(questions.Select(q => client.CompleteAsync(new([ModelMessage.User(q)]), TestContext.Current.CancellationToken)));

        Assert.Equal(questions.Select(q => "reply to " + q), replies.Select(r => r.Text));
        Assert.Equal(20, cache.Count);
        // Concurrent duplicates may both reach the server; a second pass never does.
        var before = server.RequestCount;
        await Task.WhenAll(questions.Select(q => client.CompleteAsync(new([ModelMessage.User(q)]), TestContext.Current.CancellationToken)));
        Assert.Equal(before, server.RequestCount);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_with_its_name()
    {
        var path = temp.File("not-a-db.sqlite");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<InvalidDataException>(() => new ModelCache(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void The_cache_uses_the_system_sqlite_that_libvips_also_loads()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Decoding a PNG starts libvips, whose openslide module brings the system SQLite into the process.
        ImageDecoder.Decode(File.ReadAllBytes(TestPaths.Sample("data-juicer", "images", "img1.png")));

        using (var cache = new ModelCache(temp.File("after-vips.sqlite")))
        {
            cache.Put("k", new ModelReply("v", new TokenUsage(1, 2), FromCache: false));
            Assert.Equal("v", cache.TryGet("k")?.Text);
        }

        var loaded = File.ReadAllText("/proc/self/maps");
        Assert.Contains("libsqlite3.so", loaded);
        Assert.DoesNotContain("libe_sqlite3.so", loaded);
    }
}
