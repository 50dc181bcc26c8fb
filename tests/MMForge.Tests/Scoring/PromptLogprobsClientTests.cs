using System.Diagnostics;
using MMForge.FakeOpenAi;
using MMForge.Models;
using MMForge.Tests.Support;

namespace MMForge.Tests.Scoring;

/// <summary><see cref="ModelClient.PromptLogprobsAsync"/> over real HTTP against the fake vLLM-style <c>/v1/completions</c>.</summary>
public sealed class PromptLogprobsClientTests : IAsyncLifetime
{
    private const string Model = "Qwen/Qwen2-VL-7B-Instruct";

    private FakeOpenAiServer server = null!;

    public async ValueTask InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    private static readonly ModelClientOptions Quick = new() { BaseRetryDelay = TimeSpan.FromMilliseconds(5), MaxRetryDelay = TimeSpan.FromSeconds(3) };

    private ModelClient Client(ModelClientOptions? options = null, ModelCache? cache = null) =>
        new([new ModelEndpoint(server.BaseUrl, Model)], options ?? Quick, cache);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheRequestEchoesThePromptGreedilyAndTheReplyKeepsOnlyThePromptTokens()
    {
        server.PromptTokens = prompt => FakeTokens.Whitespace(prompt, token => token == " sat" ? -2.5 : -0.5);
        var client = Client();

        var scored = await client.PromptLogprobsAsync("The cat sat", Ct);

        Assert.Equal(["The", " cat", " sat"], scored.Tokens); // the generated " The" is dropped
        Assert.Equal([null, -0.5, -2.5], scored.Logprobs);
        Assert.Equal(new TokenUsage(3, 1), scored.Usage);
        var request = server.Requests.Single();
        Assert.Equal("/v1/completions", request.Path);
        Assert.Equal(Model, request.Model);
        Assert.Equal("The cat sat", request.Prompt);
        Assert.Equal(1, request.Body.GetProperty("max_tokens").GetInt32());
        Assert.True(request.Body.GetProperty("echo").GetBoolean());
        Assert.Equal(0, request.Body.GetProperty("logprobs").GetInt32());
        Assert.Equal(0, request.Body.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task TheApiKeyGoesInTheHeaderAndNeverIntoAnError()
    {
        const string variable = "MMFORGE_TEST_SCORE_KEY";
        Environment.SetEnvironmentVariable(variable, "sk-score-secret");
        server.EnqueueCompletion(FakeReply.Error(400, "bad key sk-score-secret"));
        var client = new ModelClient([new ModelEndpoint(server.BaseUrl, Model, variable)], Quick);

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.PromptLogprobsAsync("a b", Ct));

        Assert.Equal("Bearer sk-score-secret", server.Requests.Single().Authorization);
        Assert.DoesNotContain("sk-score-secret", error.Message);
        Assert.Contains("[api key]", error.Message);
    }

    [Fact]
    public async Task A500IsRetriedAndA429WaitsForRetryAfter()
    {
        server.EnqueueCompletion(FakeReply.Error(500, "engine restarting"), FakeReply.Error(429, "slow down", retryAfter: "1"));
        var client = Client();

        var clock = Stopwatch.StartNew();
        var scored = await client.PromptLogprobsAsync("a b", Ct);

        Assert.Equal(["a", " b"], scored.Tokens);
        Assert.Equal(3, server.RequestCount);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"answered after {clock.Elapsed}, before Retry-After: 1");
        Assert.Equal(2, client.Usage.Retries);
    }

    [Fact]
    public async Task AReplyThatIsNotJsonIsRetriedThenFailsAsABadResponse()
    {
        server.EnqueueCompletion(Enumerable.Repeat(new FakeReply { RawBody = "<html>502 Bad Gateway</html>" }, 2).ToArray());
        var client = Client(Quick with { MaxAttempts = 2 });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.PromptLogprobsAsync("a b", Ct));

        Assert.Equal(ModelFailureKind.BadResponse, error.Kind);
        Assert.Equal(2, error.Attempts);
        Assert.Contains("echoed prompt log-probabilities", error.Message);
    }

    [Fact]
    public async Task AServerThatDoesNotEchoLogprobsIsNamedInTheError()
    {
        server.EnqueueCompletion(new FakeReply { RawBody = """{"choices":[{"index":0,"text":" The","logprobs":null}]}""" });
        var client = Client(Quick with { MaxAttempts = 1 });

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.PromptLogprobsAsync("a b", Ct));

        Assert.Contains("does the server support echo with logprobs", error.Message);
    }

    [Fact]
    public async Task ASecondAskIsAnsweredFromTheCacheAndChatKeysAreApart()
    {
        using var dir = TestPaths.NewTempDir();
        using var cache = new ModelCache(dir.File("cache.sqlite"));
        await Client(cache: cache).PromptLogprobsAsync("tell me", Ct);
        var client = Client(cache: cache);

        var again = await client.PromptLogprobsAsync("tell me", Ct);
        var chat = await client.CompleteAsync(new ModelRequest([ModelMessage.User("tell me")]), Ct);

        Assert.True(again.FromCache);
        Assert.Equal(["tell", " me"], again.Tokens);
        Assert.Equal([null, -0.1 * 2], again.Logprobs);
        Assert.False(chat.FromCache); // the same text as a chat message is another request
        Assert.Equal(["/v1/completions", "/v1/chat/completions"], server.Requests.Select(r => r.Path));
        Assert.Equal(new ModelUsage(HttpCalls: 1, CacheHits: 1, Retries: 0, Failures: 0, PromptTokens: 10, CompletionTokens: 5), client.Usage);
    }
}
