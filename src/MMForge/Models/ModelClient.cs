namespace MMForge.Models;

/// <summary>
/// The one way the engine talks to VLMs and LLMs: chat completions, and prompt log-probabilities
/// (for loss scoring), against one model served by
/// one or more OpenAI-compatible endpoints. Each request is looked up in the cache first; then
/// sent to the next healthy endpoint (round robin, skipping open circuit breakers) under a
/// concurrency limit and a per-attempt timeout; 429, 5xx, timeouts and network errors are
/// retried with exponential backoff and jitter, honouring Retry-After. Token usage is counted.
/// </summary>
public sealed class ModelClient
{
    private readonly EndpointChannel[] channels;
    private readonly ModelClientOptions options;
    private readonly ModelCache? cache;
    private readonly RequestSlots inFlight;
    private readonly UsageCounters counters = new();
    private int nextChannel = -1;

    /// <param name="endpoints">Replicas of one model: all must name the same model.</param>
    /// <param name="cache">Where answered requests are kept; null to always ask the server. Owned by the caller.</param>
    /// <param name="clock">Time for circuit breakers and HTTP dates; the system clock by default.</param>
    public ModelClient(IReadOnlyList<ModelEndpoint> endpoints, ModelClientOptions? options = null, ModelCache? cache = null,
        TimeProvider? clock = null)
    {
        if (endpoints.Count == 0) throw new ArgumentException("a model client needs at least one endpoint", nameof(endpoints));
        var models = endpoints.Select(endpoint => endpoint.Model).Distinct(StringComparer.Ordinal).ToList();
        if (models.Count > 1)
            throw new ArgumentException($"the endpoints of one model client must serve the same model, not {string.Join(", ", models)}", nameof(endpoints));
        this.options = options ?? new ModelClientOptions();
        this.options.Validate();
        this.cache = cache;
        Model = models[0];
        channels = [.. endpoints.Select(endpoint => new EndpointChannel(endpoint, this.options, clock ?? TimeProvider.System))];
        inFlight = new RequestSlots(this.options.MaxConcurrency);
    }

    /// <summary>The model name sent in requests and used in cache keys.</summary>
    public string Model { get; }

    public ModelUsage Usage => counters.Snapshot();

    /// <summary>Endpoints whose circuit breaker is closed right now.</summary>
    public int HealthyEndpoints => channels.Count(channel => channel.Breaker.IsClosed);

    /// <exception cref="ModelCallException">The request failed for good: a non-retriable status, attempts exhausted, or no endpoint available.</exception>
    public async Task<ModelReply> CompleteAsync(ModelRequest request, CancellationToken ct = default)
    {
        if (request.Messages.Count == 0) throw new ArgumentException("a model request needs at least one message", nameof(request));
        var key = cache is null ? null : RequestKey.Compute(Model, request);
        if (key is not null && cache!.TryGet(key) is { } cached)
        {
            counters.CacheHit();
            return cached;
        }
        var reply = await SendWithRetriesAsync((channel, token) => channel.SendAsync(request, counters, token), ct).ConfigureAwait(false);
        counters.Spent(reply.Usage);
        if (key is not null) cache!.Put(key, reply);
        return reply;
    }

    /// <summary>
    /// The log-probability of every token of <paramref name="prompt"/> under the model, from the
    /// endpoints' <c>/completions</c> (echo + logprobs, greedy), with the same cache, retries,
    /// breakers and limits as <see cref="CompleteAsync"/>.
    /// </summary>
    /// <exception cref="ModelCallException">The request failed for good; a server that does not echo log-probabilities fails as <see cref="ModelFailureKind.BadResponse"/>.</exception>
    public async Task<PromptLogprobs> PromptLogprobsAsync(string prompt, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(prompt)) throw new ArgumentException("a prompt to score must not be empty", nameof(prompt));
        var key = cache is null ? null : RequestKey.ForPromptLogprobs(Model, prompt);
        if (key is not null && cache!.TryGet(key) is { } cached)
        {
            counters.CacheHit();
            return PromptLogprobs.ReadCached(cached);
        }
        var scored = await SendWithRetriesAsync((channel, token) => channel.SendPromptLogprobsAsync(prompt, counters, token), ct).ConfigureAwait(false);
        counters.Spent(scored.Usage);
        if (key is not null) cache!.Put(key, new ModelReply(scored.ToCacheText(), scored.Usage, FromCache: false));
        return scored;
    }

    /// <summary>Sends one kind of request with the retry policy: <paramref name="send"/> makes one attempt on the endpoint it is given.</summary>
    private async Task<T> SendWithRetriesAsync<T>(Func<EndpointChannel, CancellationToken, Task<T>> send, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(send, ct).ConfigureAwait(false);
            }
            catch (AttemptFailed failure) when (failure.Retriable && attempt < options.MaxAttempts)
            {
                var delay = RetryDelays.Next(attempt, failure.RetryAfter, options.BaseRetryDelay, options.MaxRetryDelay);
                counters.Retry();
                options.Log?.Invoke($"model {Model}: attempt {attempt} failed ({failure.Message}); retrying in {delay.TotalSeconds:0.###} s");
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
            catch (AttemptFailed failure)
            {
                counters.Failure();
                var why = failure.Retriable ? $"gave up after {attempt} attempts" : "not retried";
                throw new ModelCallException(failure.Kind, failure.Status, attempt, $"model {Model}: {failure.Message} ({why})");
            }
        }
    }

    /// <summary>One attempt on one endpoint; the concurrency slot is held only while the request is on the wire.</summary>
    private async Task<T> SendOnceAsync<T>(Func<EndpointChannel, CancellationToken, Task<T>> send, CancellationToken ct)
    {
        await inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var channel = NextAvailableChannel() ?? throw new AttemptFailed(ModelFailureKind.NoEndpointAvailable, null,
                retriable: false, blamesEndpoint: false, null,
                $"all {channels.Length} endpoint(s) are out of rotation after repeated failures (circuit open)");
            try
            {
                var reply = await send(channel, ct).ConfigureAwait(false);
                channel.Breaker.Succeeded();
                return reply;
            }
            catch (AttemptFailed failure) when (failure.BlamesEndpoint)
            {
                if (channel.Breaker.Failed())
                    options.Log?.Invoke($"model endpoint {channel.Endpoint.DisplayName}: circuit opened for {options.BreakerCooldown.TotalSeconds:0.###} s");
                throw;
            }
            catch
            {
                channel.Breaker.Abandoned();
                throw;
            }
        }
        finally
        {
            inFlight.Release();
        }
    }

    private EndpointChannel? NextAvailableChannel()
    {
        var start = Interlocked.Increment(ref nextChannel);
        for (var i = 0; i < channels.Length; i++)
        {
            var channel = channels[(int)((uint)(start + i) % (uint)channels.Length)];
            if (channel.Breaker.TryEnter()) return channel;
        }
        return null;
    }
}
