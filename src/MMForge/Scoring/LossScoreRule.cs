using System.Globalization;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Scoring;

/// <summary>
/// The writing pass of the score stage: writes each sample's answer loss into
/// <see cref="Sample.Scores"/>, rejects the samples the cut drops (<see cref="TopPercentRule"/>) and
/// those the loss pass could not score (under the rule it named), found by where they were read.
/// </summary>
public sealed class LossScoreRule(LossTable table, LossCut cut, string scoreName, decimal dropPercent) : IRule
{
    public const string TopPercentRule = "loss-top-percent";

    public string Name => "score";
    public string Description => "write the answer loss and drop the highest losses";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        // A record the loss pass did not decode is rejected before rules run; nothing else goes unseen.
        if (context.Location is not { } at || table.Find(at.File, at.Offset) is not { } ordinal) return RuleOutcome.Pass;
        if (table.FailureOf(ordinal) is var (rule, reason)) return RuleOutcome.Reject(rule, reason);
        var loss = table.LossOf(ordinal);
        // The float as its shortest decimal, so 2.31 is written 2.31 and not 2.309999942779541.
        sample.Scores[scoreName] = (double)(decimal)loss;
        if (cut.Dropping(ordinal) is not { } group) return RuleOutcome.Pass;
        var where = group.Group == LossCut.AllSources ? "the input" : $"source '{group.Group}'";
        return RuleOutcome.Reject(TopPercentRule, string.Create(CultureInfo.InvariantCulture,
            $"answer loss {loss:0.####} is in the top {dropPercent}% of {where} (threshold {group.Threshold:0.####}: the {group.Dropped} highest of {group.Scored} scored samples are dropped)"));
    }
}
