namespace MMForge.Models;

/// <summary>Limits and resilience settings of a <see cref="ModelClient"/>; the defaults suit a local vLLM server.</summary>
public sealed record ModelClientOptions
{
    /// <summary>Requests in flight at once over all endpoints (a GPU server batches, but its queue is finite).</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Time allowed for one HTTP attempt; an attempt that takes longer is abandoned and retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts per request, the first included, on 429, 5xx, timeouts and network errors.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Backoff before the second attempt; doubled after each failure, with jitter.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of any wait between attempts, a server's Retry-After included.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive failures (5xx, timeouts, network errors) after which an endpoint is taken out of rotation.</summary>
    public int BreakerFailureThreshold { get; init; } = 5;

    /// <summary>How long an endpoint stays out of rotation before one trial request is let through.</summary>
    public TimeSpan BreakerCooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Send a JSON-schema response format when a request has one (servers that refuse it are remembered).</summary>
    public bool UseJsonSchema { get; init; } = true;

    /// <summary>Receives one line per retry, breaker change and fallback; never carries an API key.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        if (MaxConcurrency < 1) throw new ArgumentException("MaxConcurrency must be at least 1");
        if (MaxAttempts < 1) throw new ArgumentException("MaxAttempts must be at least 1");
        if (BreakerFailureThreshold < 1) throw new ArgumentException("BreakerFailureThreshold must be at least 1");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("RequestTimeout must be positive");
        if (BaseRetryDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero || BreakerCooldown < TimeSpan.Zero)
            throw new ArgumentException("delays must not be negative");
    }
}
