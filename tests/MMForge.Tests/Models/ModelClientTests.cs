using MMForge.FakeOpenAi;
using System.Diagnostics;
using MMForge.Models;
using MMForge.Tests.Support;

namespace MMForge.Tests.Models;

public sealed class ModelClientTests : IAsyncLifetime
{
    private const string Model = "Qwen/Qwen2.5-VL-7B-Instruct";

    private FakeOpenAiServer server = null!;

    public async ValueTask InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    // Fast retries so the tests spend their time on HTTP, not on sleeping.
    private static readonly ModelClientOptions Quick = new() { BaseRetryDelay = TimeSpan.FromMilliseconds(5), MaxRetryDelay = TimeSpan.FromSeconds(3) };

    private ModelClient Client(ModelClientOptions? options = null, ModelCache? cache = null, TimeProvider? clock = null) =>
        new([new ModelEndpoint(server.BaseUrl, Model)], options ?? Quick, cache, clock);

    private static ModelRequest Ask(string text) => new([ModelMessage.User(text)]) { Temperature = 0 };

    [Fact]
    public async Task A_reply_carries_the_text_and_the_token_usage_is_summed()
    {
        server.Enqueue(FakeReply.Text("a dog on a beach", 120, 7), FakeReply.Text("a cat", 30, 3));
        var client = Client();

        var first = await client.CompleteAsync(Ask("describe"), TestContext.Current.CancellationToken);
        await client.CompleteAsync(Ask("describe again"), TestContext.Current.CancellationToken);

        Assert.Equal("a dog on a beach", first.Text);
        Assert.Equal(new TokenUsage(120, 7), first.Usage);
        Assert.False(first.FromCache);
        Assert.Equal(new ModelUsage(HttpCalls: 2, CacheHits: 0, Retries: 0, Failures: 0, PromptTokens: 150, CompletionTokens: 10), client.Usage);
        var request = server.Requests[0];
        Assert.Equal(Model, request.Model);
        Assert.Equal(0, request.Body.GetProperty("temperature").GetSingle());
        Assert.Equal(["describe"], request.Texts);
    }

    [Fact]
    public async Task Images_arrive_as_base64_data_urls_and_image_urls_as_given()
    {
        var jpeg = await File.ReadAllBytesAsync(TestPaths.Sample("data-juicer", "images", "blip.jpg"), TestContext.Current.CancellationToken);
        var url = new Uri("https://example.org/cat.png");
        var client = Client();

        await client.CompleteAsync(new ModelRequest([ModelMessage.User(new TextPart("what is this?"), new ImagePart(jpeg), new ImageUrlPart(url))]),
            TestContext.Current.CancellationToken);

        var request = server.Requests.Single();
        Assert.Equal(["data:image/jpeg;base64," + Convert.ToBase64String(jpeg), url.AbsoluteUri], request.ImageUrls);
        Assert.Equal(["what is this?"], request.Texts);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_wait_the_server_asks_for()
    {
        server.Enqueue(FakeReply.Error(429, "slow down", retryAfter: "1"), FakeReply.Text("done"));
        var client = Client();

        var clock = Stopwatch.StartNew();
        var reply = await client.CompleteAsync(Ask("q"), TestContext.Current.CancellationToken);

        Assert.Equal("done", reply.Text);
        Assert.Equal(2, server.RequestCount);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}, before Retry-After: 1");
        Assert.Equal(1, client.Usage.Retries);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times()
    {
        server.Responder = _ => FakeReply.Error(503, "overloaded");
        var client = Client(Quick with { MaxAttempts = 3, BreakerFailureThreshold = 100 });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Ask("q"), TestContext.Current.CancellationToken));

        Assert.Equal(3, server.RequestCount);
        Assert.Equal((ModelFailureKind.HttpStatus, 503, 3), (error.Kind, error.Status, error.Attempts));
        Assert.Contains("overloaded", error.Message);
        Assert.Equal((2, 1), (client.Usage.Retries, client.Usage.Failures));
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        server.Enqueue(FakeReply.Error(404, "model not found"));
        var client = Client();

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Ask("q"), TestContext.Current.CancellationToken));

        Assert.Equal(1, server.RequestCount);
        Assert.Equal(404, error.Status);
        Assert.Contains("not retried", error.Message);
    }

    [Fact]
    public async Task A_malformed_200_body_is_a_clear_failure()
    {
        server.Responder = _ => new FakeReply { RawBody = "<html>bad gateway</html>" };
        var client = Client(Quick with { MaxAttempts = 2 });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Ask("q"), TestContext.Current.CancellationToken));

        Assert.Equal(ModelFailureKind.BadResponse, error.Kind);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task A_slow_reply_times_out_and_is_retried()
    {
        server.Responder = _ => FakeReply.Text("late") with { Delay = TimeSpan.FromSeconds(5) };
        var client = Client(Quick with { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 2 });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Ask("q"), TestContext.Current.CancellationToken));

        Assert.Equal(ModelFailureKind.Timeout, error.Kind);
        Assert.Equal(2, server.RequestCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_breaker_opens_after_consecutive_failures_and_lets_a_trial_through_after_the_cooldown()
    {
        server.Responder = _ => FakeReply.Error(500, "boom");
        var clock = new ManualClock();
        var client = Client(Quick with { MaxAttempts = 5, BreakerFailureThreshold = 2, BreakerCooldown = TimeSpan.FromSeconds(30) }, clock: clock);

        var first = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Ask("q"), TestContext.Current.CancellationToken));
        Assert.Equal(ModelFailureKind.NoEndpointAvailable, first.Kind);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(0, client.HealthyEndpoints);

        // While open, requests fail fast without touching the server.
        var second = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(Ask("q2"), TestContext.Current.CancellationToken));
        Assert.Equal(ModelFailureKind.NoEndpointAvailable, second.Kind);
        Assert.Equal(2, server.RequestCount);

        clock.Advance(TimeSpan.FromSeconds(31));
        server.Responder = _ => FakeReply.Text("back");
        var reply = await client.CompleteAsync(Ask("q3"), TestContext.Current.CancellationToken);
        Assert.Equal("back", reply.Text);
        Assert.Equal(1, client.HealthyEndpoints);
    }

    [Fact]
    public async Task Requests_are_spread_round_robin_and_a_broken_endpoint_is_routed_around()
    {
        await using var broken = await FakeOpenAiServer.StartAsync();
        broken.Responder = _ => FakeReply.Error(502, "bad gateway");
        var client = new ModelClient(
            [new ModelEndpoint(server.BaseUrl, Model), new ModelEndpoint(broken.BaseUrl, Model)],
            Quick with { BreakerFailureThreshold = 1, BreakerCooldown = TimeSpan.FromMinutes(5) });

        for (var i = 0; i < 6; i++)
            Assert.Equal("ok", (await client.CompleteAsync(Ask($"q{i}"), TestContext.Current.CancellationToken)).Text);

        Assert.Equal(1, broken.RequestCount);
        Assert.Equal(6, server.RequestCount);
    }

    [Fact]
    public async Task Healthy_endpoints_share_the_load()
    {
        await using var second = await FakeOpenAiServer.StartAsync();
        var client = new ModelClient([new ModelEndpoint(server.BaseUrl, Model), new ModelEndpoint(second.BaseUrl, Model)], Quick);

        for (var i = 0; i < 6; i++) await client.CompleteAsync(Ask($"q{i}"), TestContext.Current.CancellationToken);

        Assert.Equal((3, 3), (server.RequestCount, second.RequestCount));
    }

    [Fact]
    public async Task No_more_requests_are_in_flight_than_the_concurrency_limit()
    {
        server.Responder = _ => FakeReply.Text("ok") with { Delay = TimeSpan.FromMilliseconds(150) };
        var client = Client(Quick with { MaxConcurrency = 2 });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.CompleteAsync(Ask($"q{i}"), TestContext.Current.CancellationToken)));

        Assert.Equal(8, server.RequestCount);
        Assert.Equal(2, server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task A_server_refusing_the_json_schema_format_gets_free_text_requests_from_then_on()
    {
        server.Responder = request => request.ResponseFormat is null
            ? FakeReply.Text("""Here you go: {"tags": ["dog"]}""")
            : FakeReply.Error(400, "response_format json_schema is not supported by this server");
        var client = Client();
        var schema = new JsonSchemaFormat("tags", """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}}}}""");

        var first = await client.CompleteAsync(Ask("tags?") with { ResponseSchema = schema }, TestContext.Current.CancellationToken);
        await client.CompleteAsync(Ask("tags again?") with { ResponseSchema = schema }, TestContext.Current.CancellationToken);

        Assert.Equal("dog", JsonReply.Parse(first.Text).GetProperty("tags")[0].GetString());
        var sent = server.Requests;
        Assert.Equal(3, sent.Count);
        Assert.Equal("json_schema", sent[0].ResponseFormat!.Value.GetProperty("type").GetString());
        Assert.Equal("tags", sent[0].ResponseFormat!.Value.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Null(sent[1].ResponseFormat);
        Assert.Null(sent[2].ResponseFormat);
    }

    [Fact]
    public async Task Json_schema_is_not_sent_when_the_client_is_configured_without_it()
    {
        var client = Client(Quick with { UseJsonSchema = false });

        await client.CompleteAsync(Ask("q") with { ResponseSchema = new JsonSchemaFormat("x", """{"type":"object"}""") },
            TestContext.Current.CancellationToken);

        Assert.Null(server.Requests.Single().ResponseFormat);
    }

    [Fact]
    public async Task A_caller_cancelling_is_not_a_failure_of_the_endpoint()
    {
        server.Responder = _ => FakeReply.Text("late") with { Delay = TimeSpan.FromSeconds(5) };
        var client = Client(Quick with { BreakerFailureThreshold = 1 });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CompleteAsync(Ask("q"), cancel.Token));

        Assert.Equal((1, 0, 0), (server.RequestCount, client.Usage.Retries, client.Usage.Failures));
        Assert.Equal(1, client.HealthyEndpoints);
    }

    [Fact]
    public void Images_are_equal_by_content()
    {
        var bytes = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 };
        var first = new ImagePart(bytes);
        _ = first.Sha256;

        Assert.Equal(first, new ImagePart(bytes.ToArray()));
        Assert.Equal(first.GetHashCode(), new ImagePart(bytes.ToArray()).GetHashCode());
        Assert.NotEqual(first, new ImagePart(bytes, "image/png"));
    }

    [Fact]
    public void Endpoints_of_one_client_must_serve_one_model()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModelClient(
            [new ModelEndpoint(server.BaseUrl, "a"), new ModelEndpoint(server.BaseUrl, "b")]));
        Assert.Contains("same model", error.Message);
    }

    /// <summary>A clock the test moves by hand, so circuit cool-downs need no sleeping.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long ticks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref ticks);
    }
}
