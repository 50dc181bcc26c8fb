using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MMForge.FakeOpenAi;

/// <summary>
/// An OpenAI-compatible chat server on 127.0.0.1 (Kestrel, a real socket, real HTTP) standing in
/// for the GPU model servers that cannot run here. Implements <c>POST /v1/chat/completions</c>
/// with the OpenAI reply shape (choices, usage). Replies are scripted per test: queued
/// <see cref="FakeReply"/>s are served in order, then <see cref="Responder"/> answers. Every
/// request is recorded (Authorization header and JSON body).
/// Also implements <c>POST /v1/completions</c> with echoed prompt log-probabilities as vLLM
/// answers them (see <see cref="PromptTokens"/>); its faults are scripted with <see cref="EnqueueCompletion"/>.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeReply> script = new();
    private readonly ConcurrentQueue<FakeReply> completionScript = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private int inFlight, maxInFlight, received;

    private FakeOpenAiServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.MapPost("/v1/chat/completions", context => HandleAsync(context, script, () => Responder, WriteAsync));
        app.MapPost("/v1/completions", context => HandleAsync(context, completionScript, () => _ => new FakeReply(), WriteCompletionAsync));
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var server = new FakeOpenAiServer();
        await server.app.StartAsync();
        var address = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>The API root to configure an endpoint with, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Answers requests once the script is used up; by default a short fixed text.</summary>
    public Func<RecordedRequest, FakeReply> Responder { get; set; } = _ => FakeReply.Text("ok");

    /// <summary>Keep every request for <see cref="Requests"/>; benchmarks turn it off so memory stays flat.</summary>
    public bool RecordRequests { get; set; } = true;

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Requests received, recorded or not.</summary>
    public int RequestCount => Volatile.Read(ref received);

    /// <summary>Most requests ever being answered at the same moment.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref maxInFlight);

    /// <summary>
    /// How <c>/v1/completions</c> tokenizes a prompt and scores each token. The default is
    /// <see cref="FakeTokens.Whitespace"/> with <see cref="FakeTokens.LengthLogprob"/>.
    /// </summary>
    public Func<string, IReadOnlyList<FakeToken>> PromptTokens { get; set; } = prompt => FakeTokens.Whitespace(prompt, FakeTokens.LengthLogprob);

    /// <summary>The token a completion generates after the echoed prompt (vLLM appends it to the echo).</summary>
    public FakeToken GeneratedToken { get; set; } = new(" The", -0.5);

    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies) script.Enqueue(reply);
    }

    /// <summary>
    /// Scripted answers of <c>/v1/completions</c>, served in order before <see cref="PromptTokens"/>
    /// answers: errors, Retry-After, raw bodies, delays. A plain 200 reply here is answered from <see cref="PromptTokens"/>.
    /// </summary>
    public void EnqueueCompletion(params FakeReply[] replies)
    {
        foreach (var reply in replies) completionScript.Enqueue(reply);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, ConcurrentQueue<FakeReply> queue, Func<Func<RecordedRequest, FakeReply>> responder,
        Func<HttpContext, FakeReply, RecordedRequest, Task> write)
    {
        var now = Interlocked.Increment(ref inFlight);
        for (var seen = maxInFlight; now > seen; seen = maxInFlight) Interlocked.CompareExchange(ref maxInFlight, now, seen);
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            // a request kept for later must outlive the parsed body; one answered now need not be copied
            var request = new RecordedRequest(context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
                RecordRequests ? body.RootElement.Clone() : body.RootElement) { Path = context.Request.Path };
            Interlocked.Increment(ref received);
            if (RecordRequests) requests.Enqueue(request);
            var reply = queue.TryDequeue(out var scripted) ? scripted : responder()(request);
            if (reply.Delay > TimeSpan.Zero)
            {
                try { await Task.Delay(reply.Delay, context.RequestAborted); }
                catch (OperationCanceledException) { return; } // the client gave up: nobody is listening
            }
            if (!await WroteScriptedAsync(context, reply)) await write(context, reply, request);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>Writes a scripted error or raw body, the same on every route; false when the reply is a regular 200 for the route to write.</summary>
    private static async Task<bool> WroteScriptedAsync(HttpContext context, FakeReply reply)
    {
        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter;
        context.Response.ContentType = "application/json";
        if (reply.Status == 200 && reply.RawBody is null) return false;
        await context.Response.WriteAsync(reply.RawBody ?? JsonSerializer.Serialize(new
        {
            error = new { message = reply.ErrorMessage ?? "scripted error", type = "invalid_request_error" },
        }));
        return true;
    }

    private static async Task WriteAsync(HttpContext context, FakeReply reply, RecordedRequest request)
    {
        await context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-fake",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = request.Model,
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content = reply.Content }, finish_reason = "stop" },
            },
            usage = new
            {
                prompt_tokens = reply.PromptTokens,
                completion_tokens = reply.CompletionTokens,
                total_tokens = reply.PromptTokens + reply.CompletionTokens,
            },
        });
    }

    /// <summary>
    /// A <c>text_completion</c> as vLLM writes it for echo + logprobs: the prompt's tokens (the first
    /// without a log-probability) then the generated ones; <c>text_offset</c> the running sum of the
    /// tokens' lengths in code points (Python string length), as vLLM computes it.
    /// </summary>
    private Task WriteCompletionAsync(HttpContext context, FakeReply reply, RecordedRequest request)
    {
        var prompt = request.Prompt;
        var promptTokens = PromptTokens(prompt);
        var generated = request.Body.TryGetProperty("max_tokens", out var max) && max.GetInt32() == 0 ? [] : new[] { GeneratedToken };
        var echo = request.Body.TryGetProperty("echo", out var e) && e.GetBoolean();
        var tokens = (echo ? promptTokens.Concat(generated) : generated).ToList();
        var offsets = new List<int>();
        var offset = 0;
        foreach (var token in tokens)
        {
            offsets.Add(offset);
            offset += token.Text.EnumerateRunes().Count();
        }
        return context.Response.WriteAsJsonAsync(new
        {
            id = "cmpl-fake",
            @object = "text_completion",
            created = 1_700_000_000,
            model = request.Model,
            choices = new[]
            {
                new
                {
                    index = 0,
                    text = (echo ? prompt : "") + string.Concat(generated.Select(t => t.Text)),
                    logprobs = new
                    {
                        tokens = tokens.Select(t => t.Text),
                        token_logprobs = tokens.Select((t, i) => echo && i == 0 ? null : (double?)t.Logprob),
                        text_offset = offsets,
                        top_logprobs = (object?)null,
                    },
                    finish_reason = "length",
                },
            },
            usage = new { prompt_tokens = promptTokens.Count, completion_tokens = generated.Length, total_tokens = promptTokens.Count + generated.Length },
        });
    }
}

/// <summary>One token of a fake completion: its text and its log-probability.</summary>
public sealed record FakeToken(string Text, double Logprob);

/// <summary>Deterministic tokenizers and scores for the fake <c>/v1/completions</c>.</summary>
public static class FakeTokens
{
    /// <summary>
    /// Whitespace-delimited tokens, each word carrying the whitespace before it (as GPT-style BPE
    /// tokens do), so the tokens spell the prompt exactly; <paramref name="logprob"/> scores each token's text.
    /// </summary>
    public static IReadOnlyList<FakeToken> Whitespace(string prompt, Func<string, double> logprob)
    {
        var tokens = new List<FakeToken>();
        var start = 0;
        for (var i = 1; i <= prompt.Length; i++)
        {
            var boundary = i == prompt.Length || (char.IsWhiteSpace(prompt[i]) && !char.IsWhiteSpace(prompt[i - 1]));
            if (!boundary) continue;
            var text = prompt[start..i];
            tokens.Add(new FakeToken(text, logprob(text)));
            start = i;
        }
        return tokens;
    }

    /// <summary>The default score: -0.1 per letter or digit, so longer words are less likely and samples differ.</summary>
    public static double LengthLogprob(string token) => -0.1 * token.Count(char.IsLetterOrDigit);
}

/// <summary>One scripted answer of <see cref="FakeOpenAiServer"/>.</summary>
public sealed record FakeReply
{
    public int Status { get; init; } = 200;

    public string Content { get; init; } = "";

    public int PromptTokens { get; init; } = 10;

    public int CompletionTokens { get; init; } = 5;

    /// <summary>The <c>error.message</c> of a non-200 reply.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Sent verbatim instead of the JSON shape (for malformed bodies).</summary>
    public string? RawBody { get; init; }

    public string? RetryAfter { get; init; }

    /// <summary>Wait before answering (for timeouts and concurrency).</summary>
    public TimeSpan Delay { get; init; }

    public static FakeReply Text(string content, int promptTokens = 10, int completionTokens = 5) =>
        new() { Content = content, PromptTokens = promptTokens, CompletionTokens = completionTokens };

    public static FakeReply Error(int status, string message = "scripted error", string? retryAfter = null) =>
        new() { Status = status, ErrorMessage = message, RetryAfter = retryAfter };
}

/// <summary>A request as the fake server received it.</summary>
public sealed record RecordedRequest(string? Authorization, JsonElement Body)
{
    /// <summary>The route asked, e.g. <c>/v1/chat/completions</c> or <c>/v1/completions</c>.</summary>
    public string Path { get; init; } = "";

    public string Model => Body.GetProperty("model").GetString()!;

    /// <summary>The <c>prompt</c> of a <c>/v1/completions</c> request.</summary>
    public string Prompt => Body.GetProperty("prompt").GetString()!;

    public JsonElement Messages => Body.GetProperty("messages");

    /// <summary>The <c>response_format</c> object, when the client sent one.</summary>
    public JsonElement? ResponseFormat => Body.TryGetProperty("response_format", out var format) ? format : null;

    /// <summary>Every <c>image_url.url</c> in the messages, in order.</summary>
    public IEnumerable<string> ImageUrls =>
        from message in Messages.EnumerateArray()
        where message.GetProperty("content").ValueKind == JsonValueKind.Array
        from part in message.GetProperty("content").EnumerateArray()
        where part.GetProperty("type").GetString() == "image_url"
        select part.GetProperty("image_url").GetProperty("url").GetString()!;

    /// <summary>The text of every message (string content or text parts), in order.</summary>
    public IEnumerable<string> Texts =>
        from message in Messages.EnumerateArray()
        let content = message.GetProperty("content")
        from text in content.ValueKind == JsonValueKind.String
            ? [content.GetString()!]
            : from part in content.EnumerateArray() where part.GetProperty("type").GetString() == "text" select part.GetProperty("text").GetString()!
        select text;
}
