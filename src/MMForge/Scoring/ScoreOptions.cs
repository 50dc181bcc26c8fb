namespace MMForge.Scoring;

/// <summary>Settings of the score stage.</summary>
public sealed record ScoreOptions
{
    /// <summary>Samples with a loss in this top share (percent) of their group are dropped; 5 as Infinity-MM. 0 scores without dropping.</summary>
    public decimal DropTopPercent { get; init; } = 5;

    /// <summary>Take the cut within each source (Infinity-MM's data was cut per source) or over the whole input.</summary>
    public bool PerSource { get; init; } = true;

    /// <summary>
    /// The name the loss is written under in <see cref="Records.Sample.Scores"/>. Not <c>qw2vl_loss</c>
    /// by default: that name promises a Qwen2-VL loss computed with the image, which a text endpoint does not give.
    /// </summary>
    public string ScoreName { get; init; } = "loss";

    /// <summary>Samples being scored at once in the loss pass (requests waiting for the client's concurrency limit included).</summary>
    public int MaxPending { get; init; } = 256;

    /// <summary>Worker threads of the writing pass.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    internal void Validate()
    {
        if (DropTopPercent is < 0 or > 100) throw new ArgumentException($"the share to drop must be between 0 and 100 percent, not {DropTopPercent}");
        if (string.IsNullOrWhiteSpace(ScoreName)) throw new ArgumentException("the score name must not be empty");
        if (MaxPending < 1) throw new ArgumentException("MaxPending must be at least 1");
    }
}
