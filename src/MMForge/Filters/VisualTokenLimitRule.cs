using MMForge.Media.VisualTokens;
using MMForge.Records;

namespace MMForge.Filters;

/// <summary>
/// Rejects samples whose images cost a model more visual tokens than a limit (long contexts
/// that a training stage cannot hold). Samples whose token count is not known yet (image sizes
/// not hashed) pass: the rule filters only what it can measure.
/// </summary>
public sealed class VisualTokenLimitRule(string model, int maxTokens) : IRule
{
    public string Name => "max-visual-tokens";
    public string Description => $"reject samples whose images cost {model} more than {maxTokens} visual tokens";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        if (!sample.VisualTokens.ContainsKey(model)) VisualTokenBudget.Record(sample);
        return sample.VisualTokens.TryGetValue(model, out var tokens) && tokens > maxTokens
            ? RuleOutcome.Reject($"its {sample.Images.Count} image(s) cost {model} {tokens} visual tokens, over the limit of {maxTokens}")
            : RuleOutcome.Pass;
    }
}
