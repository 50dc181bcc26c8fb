using MMForge.FakeOpenAi;
using System.Text;
using MMForge.Models;
using MMForge.Tests.Support;

namespace MMForge.Tests.Models;

/// <summary>The API key goes to the server as a Bearer header and nowhere else: not in errors, logs or the cache.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private readonly string variable = "MMFORGE_TEST_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly string key = "sk-secret-" + Guid.NewGuid().ToString("N");
    private readonly TempDir temp = TestPaths.NewTempDir();
    private FakeOpenAiServer server = null!;

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable(variable, key);
        server = await FakeOpenAiServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(variable, null);
        await server.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task The_key_is_sent_as_a_bearer_header_and_appears_in_no_error_log_or_cache_file()
    {
        var log = new List<string>();
        var options = new ModelClientOptions
        {
            BaseRetryDelay = TimeSpan.FromMilliseconds(1), MaxAttempts = 2, Log = line => { lock (log) log.Add(line); },
        };
        var endpoint = new ModelEndpoint(server.BaseUrl, "gpt-4o", variable);
        // A hostile or careless server echoes the key back in its errors.
        server.Enqueue(FakeReply.Error(500, $"internal error for key {key}"), FakeReply.Error(401, $"invalid api key {key}"), FakeReply.Text("fine"));
        var cachePath = temp.File("cache.sqlite");
        var errors = new List<string>();

        using (var cache = new ModelCache(cachePath))
        {
            var client = new ModelClient([endpoint], options, cache);
            var error = await Assert.ThrowsAsync<ModelCallException>(() => client.CompleteAsync(new([ModelMessage.User("q1")]), TestContext.Current.CancellationToken));
            errors.Add(error.ToString());
            await client.CompleteAsync(new([ModelMessage.User("q2")]), TestContext.Current.CancellationToken);
        }

        Assert.All(server.Requests, request => Assert.Equal("Bearer " + key, request.Authorization));
        Assert.Contains("invalid api key [api key]", errors[0]);
        Assert.NotEmpty(log);
        Assert.All(errors.Concat(log).Append(endpoint.ToString()), text => Assert.DoesNotContain(key, text));
        var cacheFiles = Directory.GetFiles(temp.Path);
        Assert.Contains(cachePath, cacheFiles);
        Assert.All(cacheFiles, file => Assert.DoesNotContain(key, Encoding.Latin1.GetString(File.ReadAllBytes(file))));
    }

    [Fact]
    public void A_missing_key_variable_is_named_in_the_error()
    {
        var missing = variable + "_UNSET";

        var error = Assert.Throws<InvalidOperationException>(() => new ModelClient([new ModelEndpoint(server.BaseUrl, "m", missing)]));

        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Credentials_in_the_url_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModelEndpoint(new Uri($"http://user:{key}@127.0.0.1:1/v1"), "m"));

        Assert.DoesNotContain(key, error.Message);
    }
}
