using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace MMForge.Models;

/// <summary>
/// One endpoint as the client uses it: the SDK client (with its own retries off, since
/// <see cref="ModelClient"/> retries across endpoints), its circuit breaker, and whether the
/// server refused structured output. Sends one attempt and turns every failure into an <see cref="AttemptFailed"/>.
/// </summary>
internal sealed class EndpointChannel
{
    private const int DetailChars = 300;

    // The SDK's stable constructor insists on a credential; servers started without a key ignore the header.
    private const string KeylessPlaceholder = "no-key";

    private readonly ChatClient chat;
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
        };
        chat = new ChatClient(endpoint.Model, new ApiKeyCredential(apiKey ?? KeylessPlaceholder), sdkOptions);
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

    private async Task<ModelReply> SendOnceAsync(ModelRequest request, bool withSchema, UsageCounters counters, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        counters.HttpCall();
        try
        {
            ClientResult<ChatCompletion> result = await chat.CompleteChatAsync(
                SdkMessages.Convert(request.Messages), SdkMessages.Options(request, withSchema), timeout.Token).ConfigureAwait(false);
            var completion = result.Value;
            var text = string.Concat(completion.Content.Select(part => part.Text));
            var usage = new TokenUsage(completion.Usage?.InputTokenCount ?? 0, completion.Usage?.OutputTokenCount ?? 0);
            return new ModelReply(text, usage, FromCache: false);
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
            // A 200 whose body is not a chat completion: a proxy's error page, a truncated body.
            throw new AttemptFailed(ModelFailureKind.BadResponse, 200, retriable: true, blamesEndpoint: true, null,
                $"{Endpoint.DisplayName}: the reply is not a chat completion ({e.GetType().Name}: {Shorten(e.Message)})");
        }
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
