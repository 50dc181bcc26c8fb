namespace MMForge.Models;

/// <summary>
/// What a <see cref="ModelClient"/> has done so far: HTTP calls sent, replies served from the
/// cache, retries, requests given up, and the tokens the server reported for the calls it answered.
/// </summary>
public sealed record ModelUsage(long HttpCalls, long CacheHits, long Retries, long Failures, long PromptTokens, long CompletionTokens);

/// <summary>Thread-safe counters behind <see cref="ModelUsage"/>.</summary>
internal sealed class UsageCounters
{
    private long httpCalls, cacheHits, retries, failures, promptTokens, completionTokens;

    public void HttpCall() => Interlocked.Increment(ref httpCalls);

    public void CacheHit() => Interlocked.Increment(ref cacheHits);

    public void Retry() => Interlocked.Increment(ref retries);

    public void Failure() => Interlocked.Increment(ref failures);

    public void Spent(TokenUsage usage)
    {
        Interlocked.Add(ref promptTokens, usage.PromptTokens);
        Interlocked.Add(ref completionTokens, usage.CompletionTokens);
    }

    public ModelUsage Snapshot() => new(
        Interlocked.Read(ref httpCalls), Interlocked.Read(ref cacheHits), Interlocked.Read(ref retries),
        Interlocked.Read(ref failures), Interlocked.Read(ref promptTokens), Interlocked.Read(ref completionTokens));
}
