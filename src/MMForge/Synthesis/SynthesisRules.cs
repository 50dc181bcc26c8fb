namespace MMForge.Synthesis;

/// <summary>Rule names every generator uses for the same refusal, so reports count them together.</summary>
public static class SynthesisRules
{
    /// <summary>A reply that is not what the prompt asked for (no JSON, an empty field, no score).</summary>
    public const string BadReply = "synthesis-bad-reply";

    /// <summary>The model declined (<see cref="Refusals"/>).</summary>
    public const string Refusal = Refusals.Rule;
}
