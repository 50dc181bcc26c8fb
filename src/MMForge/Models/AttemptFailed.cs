namespace MMForge.Models;

/// <summary>One HTTP attempt failed; says whether trying again can help and whether the endpoint is to blame.</summary>
internal sealed class AttemptFailed(
    ModelFailureKind kind, int? status, bool retriable, bool blamesEndpoint, TimeSpan? retryAfter, string detail) : Exception(detail)
{
    public ModelFailureKind Kind { get; } = kind;

    public int? Status { get; } = status;

    public bool Retriable { get; } = retriable;

    /// <summary>Counts toward the endpoint's circuit breaker (5xx, timeouts, network errors; not 4xx or 429).</summary>
    public bool BlamesEndpoint { get; } = blamesEndpoint;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static AttemptFailed FromStatus(int status, TimeSpan? retryAfter, string detail)
    {
        var serverSide = status >= 500 || status == 408;
        return new(ModelFailureKind.HttpStatus, status, serverSide || status == 429, serverSide, retryAfter, detail);
    }
}
