using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// The writing pass of dedup: rejects the samples the key pass decided to remove, found by
/// where they were read (ids need not be unique), with the reason naming the sample each
/// duplicates and the one kept.
/// </summary>
public sealed class DuplicateRemovalRule(IReadOnlyDictionary<(string File, long Offset), (string Rule, string Reason)> removals) : IRule
{
    public string Name => "dedup";
    public string Description => "remove the duplicates the key pass found";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context) =>
        context.Location is { } at && removals.TryGetValue((at.File, at.Offset), out var removal)
            ? RuleOutcome.Reject(removal.Rule, removal.Reason)
            : RuleOutcome.Pass;
}
