namespace MMForge.Models;

public enum ModelFailureKind
{
    /// <summary>The server answered with an HTTP error status.</summary>
    HttpStatus,
    /// <summary>An attempt took longer than the request timeout.</summary>
    Timeout,
    /// <summary>The server could not be reached or the connection broke.</summary>
    Network,
    /// <summary>Every endpoint's circuit breaker is open: nothing was sent.</summary>
    NoEndpointAvailable,
    /// <summary>The server answered 200 with a body that is not a chat completion.</summary>
    BadResponse,
}

/// <summary>
/// A model request that failed for good (after the retries it was allowed). The message names the
/// endpoint, the status and the start of the server's answer, with any API key blanked out.
/// </summary>
public sealed class ModelCallException(ModelFailureKind kind, int? status, int attempts, string message) : Exception(message)
{
    public ModelFailureKind Kind { get; } = kind;

    /// <summary>The HTTP status of the last attempt, when the server answered.</summary>
    public int? Status { get; } = status;

    /// <summary>HTTP attempts made for this request.</summary>
    public int Attempts { get; } = attempts;
}
