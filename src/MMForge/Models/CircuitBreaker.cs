namespace MMForge.Models;

/// <summary>
/// Keeps a failing endpoint out of rotation: after <c>threshold</c> consecutive failures it opens
/// for a cool-down, then lets one trial request through (half-open); the trial's outcome closes
/// it or opens it again. A server that is down then costs one request per cool-down, not one per sample.
/// </summary>
internal sealed class CircuitBreaker(int threshold, TimeSpan cooldown, TimeProvider clock)
{
    private readonly Lock gate = new();
    private int consecutiveFailures;
    private long openUntil;       // clock timestamp; meaningful while open
    private bool open;
    private bool trialInFlight;

    /// <summary>True when a request may go to the endpoint now; a half-open breaker admits one at a time.</summary>
    public bool TryEnter()
    {
        lock (gate)
        {
            if (!open) return true;
            if (trialInFlight || clock.GetTimestamp() < openUntil) return false;
            trialInFlight = true;
            return true;
        }
    }

    /// <summary>True when the breaker is closed (the endpoint is in rotation).</summary>
    public bool IsClosed { get { lock (gate) return !open; } }

    public void Succeeded()
    {
        lock (gate)
        {
            consecutiveFailures = 0;
            open = false;
            trialInFlight = false;
        }
    }

    /// <summary>Records a failure; returns true when this failure opened the breaker.</summary>
    public bool Failed()
    {
        lock (gate)
        {
            var wasTrial = trialInFlight;
            trialInFlight = false;
            consecutiveFailures++;
            if (!wasTrial && (open || consecutiveFailures < threshold)) return false;
            open = true;
            openUntil = clock.GetTimestamp() + (long)(cooldown.TotalSeconds * clock.TimestampFrequency);
            return true;
        }
    }

    /// <summary>The request ended with neither verdict (cancelled by the caller, or a client-side error): free the trial slot.</summary>
    public void Abandoned()
    {
        lock (gate) trialInFlight = false;
    }
}
