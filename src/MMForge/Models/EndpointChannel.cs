using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace MMForge.Models;

/// <summary>
/// One endpoint as the client uses it: the SDK client (with its own retries off, since
/// <see cref="ModelClient"/> retries across endpoints), its circuit breaker, and whether the
/// server refused structured output. Sends one attempt (a chat completion, or a prompt's
/// log-probabilities from <c>/completions</c>) and turns every failure into an <see cref="AttemptFailed"/>.
/// </summary>
internal sealed class EndpointChannel
{
    private const int DetailChars = 300;

    // The SDK's stable constructor insists on a credential; servers started without a key ignore the header.
    private const string KeylessPlaceholder = "no-key";

    private readonly ChatClient chat;
    private readonly Uri completionsUrl;
    private readonly string? apiKey;
    private readonly ModelClientOptions options;
    private readonly TimeProvider clock;
    private volatile bool schemaRefused;

    public EndpointChannel(ModelEndpoint endpoint, ModelClientOptions options, TimeProvider clock)
    {
        Endpoint = endpoint;
        this.options = options;
        this.clock = clock;
        apiKey = endpoint.ReadApiKey();
        Breaker = new CircuitBreaker(options.BreakerFailureThreshold, options.BreakerCooldown, clock);
        var sdkOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // Our own per-attempt timeout must fire first, so it is reported (and retried) as a timeout.
            NetworkTimeout = options.RequestTimeout + TimeSpan.FromSeconds(30),
            // The pipeline's own request logging costs CPU on every call and reaches no log of ours;
            // the client reports retries and failures itself (ModelClientOptions.Log).
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
        };
        chat = new ChatClient(endpoint.Model, new ApiKeyCredential(apiKey ?? KeylessPlaceholder), sdkOptions);
        completionsUrl = new Uri(endpoint.BaseUrl.AbsoluteUri.TrimEnd('/') + "/completions");
    }

    public ModelEndpoint Endpoint { get; }

    public CircuitBreaker Breaker { get; }

    /// <summary>One attempt; a 400 blaming the response format is answered by resending without it, once and for all.</summary>
    public async Task<ModelReply> SendAsync(ModelRequest request, UsageCounters counters, CancellationToken ct)
    {
        var withSchema = options.UseJsonSchema && request.ResponseSchema is not null && !schemaRefused;
        try
        {
            return await SendOnceAsync(request, withSchema, counters, ct).ConfigureAwait(false);
        }
        catch (AttemptFailed failure) when (withSchema && failure.Status == 400 && RefusesResponseFormat(failure.Message))
        {
            schemaRefused = true;
            options.Log?.Invoke($"model endpoint {Endpoint.DisplayName} refused a JSON-schema response format; asking it for free text from now on");
            return await SendOnceAsync(request, withSchema: false, counters, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One attempt at the prompt's log-probabilities: <c>POST {base}/completions</c> with echo, sent
    /// through the chat client's pipeline so it carries the same key header, network timeout and
    /// (disabled) SDK retries. The legacy completions client of the SDK is not used: its protocol
    /// methods are internal in 2.15.
    /// </summary>
    public Task<PromptLogprobs> SendPromptLogprobsAsync(string prompt, UsageCounters counters, CancellationToken ct) =>
        AttemptAsync(async token =>
        {
            using var message = chat.Pipeline.CreateMessage();
            message.Request.Method = "POST";
            message.Request.Uri = completionsUrl;
            message.Request.Headers.Set("Content-Type", "application/json");
            message.Request.Headers.Set("Accept", "application/json");
            message.Request.Content = BinaryContent.Create(PromptLogprobsBody(prompt));
            message.Apply(new RequestOptions { CancellationToken = token });
            await chat.Pipeline.SendAsync(message).ConfigureAwait(false);
            var response = message.Response!;
            if (response.IsError) throw new ClientResultException(response);
            return PromptLogprobs.ParseReply(response.Content.ToMemory());
        }, counters, "completion with echoed prompt log-probabilities", ct);

    private Task<ModelReply> SendOnceAsync(ModelRequest request, bool withSchema, UsageCounters counters, CancellationToken ct) =>
        AttemptAsync(async token =>
        {
            using var body = BinaryContent.Create(ChatBody.Write(Endpoint.Model, request, withSchema));
            var result = await chat.CompleteChatAsync(body, new RequestOptions { CancellationToken = token }).ConfigureAwait(false);
            return ChatBody.Read(result.GetRawResponse().Content.ToMemory());
        }, counters, "chat completion", ct);

    /// <summary>
    /// Runs one HTTP attempt under the per-attempt timeout and turns every way it can fail into an
    /// <see cref="AttemptFailed"/>, whatever the request; <paramref name="expected"/> names the reply shape in errors.
    /// </summary>
    private async Task<T> AttemptAsync<T>(Func<CancellationToken, Task<T>> send, UsageCounters counters, string expected, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        counters.HttpCall();
        try
        {
            return await send(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AttemptFailed(ModelFailureKind.Timeout, null, retriable: true, blamesEndpoint: true, null,
                $"{Endpoint.DisplayName}: no reply within {options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (ClientResultException e) when (e.Status == 0)
        {
            throw Network(e);
        }
        catch (ClientResultException e)
        {
            var response = e.GetRawResponse();
            var body = response?.Content?.ToString() ?? "";
            throw AttemptFailed.FromStatus(e.Status, RetryDelays.RetryAfter(response, clock),
                $"{Endpoint.DisplayName}: HTTP {e.Status}: {Shorten(body)}");
        }
        catch (HttpRequestException e)
        {
            throw Network(e);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // A 200 whose body is not the reply asked for: a proxy's error page, a truncated body.
            throw new AttemptFailed(ModelFailureKind.BadResponse, 200, retriable: true, blamesEndpoint: true, null,
                $"{Endpoint.DisplayName}: the reply is not a {expected} ({e.GetType().Name}: {Shorten(e.Message)})");
        }
    }

    /// <summary>
    /// The request vLLM and the OpenAI legacy API answer with the prompt's log-probabilities: echo
    /// the prompt, score it (<c>logprobs</c> 0: the chosen tokens' only), generate a single greedy
    /// token (some servers refuse <c>max_tokens</c> 0; the extra token is dropped on reading).
    /// </summary>
    private BinaryData PromptLogprobsBody(string prompt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", Endpoint.Model);
            json.WriteString("prompt", prompt);
            json.WriteNumber("max_tokens", 1);
            json.WriteBoolean("echo", true);
            json.WriteNumber("logprobs", 0);
            json.WriteNumber("temperature", 0);
            json.WriteEndObject();
        }
        return BinaryData.FromBytes(buffer.WrittenMemory);
    }

    private AttemptFailed Network(Exception e) => new(ModelFailureKind.Network, null, retriable: true, blamesEndpoint: true, null,
        $"{Endpoint.DisplayName}: {Shorten(e.InnerException?.Message ?? e.Message)}");

    private static bool RefusesResponseFormat(string detail) =>
        detail.Contains("response_format", StringComparison.OrdinalIgnoreCase) || detail.Contains("json_schema", StringComparison.OrdinalIgnoreCase);

    /// <summary>Server text for an error message: shortened, and with the API key blanked should a server echo it.</summary>
    private string Shorten(string text)
    {
        if (apiKey is not null) text = text.Replace(apiKey, "[api key]", StringComparison.Ordinal);
        return text.Length <= DetailChars ? text : text[..DetailChars] + "...";
    }
}
