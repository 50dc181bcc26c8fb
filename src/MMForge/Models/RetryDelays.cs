using System.Globalization;
using System.ClientModel.Primitives;

namespace MMForge.Models;

/// <summary>Exponential backoff with jitter, stretched to a server's Retry-After, capped.</summary>
internal static class RetryDelays
{
    /// <param name="failedAttempts">Attempts made so far (1 after the first failure).</param>
    public static TimeSpan Next(int failedAttempts, TimeSpan? retryAfter, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        // "Equal jitter": half fixed, half random, so retries of many workers spread out but never collapse to zero.
        var jittered = capped / 2 + Random.Shared.NextDouble() * capped / 2;
        var wanted = Math.Max(jittered, retryAfter?.TotalMilliseconds ?? 0);
        return TimeSpan.FromMilliseconds(Math.Min(wanted, maxDelay.TotalMilliseconds));
    }

    /// <summary>
    /// The wait a response asks for: <c>retry-after-ms</c> (OpenAI), else <c>Retry-After</c> as
    /// seconds or an HTTP date. Null when absent or unreadable.
    /// </summary>
    public static TimeSpan? RetryAfter(PipelineResponse? response, TimeProvider clock)
    {
        if (response is null) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        if (!response.Headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
