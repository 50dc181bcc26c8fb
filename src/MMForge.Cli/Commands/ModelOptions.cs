using System.CommandLine;
using MMForge.Models;

namespace MMForge.Cli.Commands;

/// <summary>The options of every command that calls a model server, declared once.</summary>
internal sealed class ModelOptions
{
    public readonly Option<string[]> Endpoints = new("--endpoint")
    {
        Description = "Base URL of an OpenAI-compatible server, including /v1 (vLLM, SGLang, LMDeploy, Ollama, llama.cpp, a hosted API); repeat to balance over several serving the same model.",
    };

    public readonly Option<string?> Model = new("--model") { Description = "Model name the servers serve." };

    public readonly Option<string?> ApiKeyVariable = new("--api-key-env")
    {
        Description = "Name of the environment variable holding the API key (the key itself is never taken on the command line, printed or stored).",
    };

    public readonly Option<string> Cache = new("--model-cache")
    {
        Description = "SQLite file caching every answered model request, so a rerun never pays twice (default ~/.cache/mmforge/model-cache.sqlite).",
        DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mmforge", "model-cache.sqlite"),
    };

    public readonly Option<int> MaxImageSide = new("--max-image-side")
    {
        Description = "Images are shrunk (shrink-on-load, JPEG) so their longer side is at most this many pixels before they are sent; default 1024.",
        DefaultValueFactory = _ => 1024,
    };

    public readonly Option<int> Concurrency = new("--concurrency")
    {
        Description = "Requests in flight at once over all endpoints (default 64); servers batch concurrent requests, so this sets the throughput.",
        DefaultValueFactory = _ => 64,
    };

    /// <summary>Every option above, for a command to add.</summary>
    public IEnumerable<Option> All => [.. ForText, MaxImageSide];

    /// <summary>The options of a command that sends no images.</summary>
    public IEnumerable<Option> ForText => [Endpoints, Model, ApiKeyVariable, Cache, Concurrency];

    /// <summary>The client for the given servers and its cache (dispose the cache); a usage error when no server or model is named.</summary>
    public (ModelClient Client, ModelCache Cache) Open(ParseResult p)
    {
        var urls = p.GetValue(Endpoints) ?? [];
        var model = p.GetValue(Model);
        if (urls.Length == 0 || string.IsNullOrWhiteSpace(model))
            throw new ArgumentException("a model-backed step needs --endpoint URL and --model NAME");
        var cachePath = p.GetValue(Cache)!;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
        var endpoints = urls.Select(url => new ModelEndpoint(Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--endpoint {url} is not an absolute URL"),
            model, p.GetValue(ApiKeyVariable))).ToList();
        var cache = new ModelCache(cachePath);
        return (new ModelClient(endpoints, new ModelClientOptions { MaxConcurrency = p.GetValue(Concurrency) }, cache), cache);
    }

    public static void PrintUsage(ModelClient client)
    {
        var usage = client.Usage;
        Console.Out.WriteLine($"  model {client.Model}: {usage.HttpCalls:N0} calls, {usage.CacheHits:N0} answered from the cache, {usage.Retries:N0} retries, {usage.Failures:N0} failures, "
                              + $"{usage.PromptTokens:N0} prompt + {usage.CompletionTokens:N0} completion tokens");
    }
}
