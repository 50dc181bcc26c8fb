using System.Text.Json.Nodes;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Synthesis;

/// <summary>
/// The writing pass of the synthesis stage, run by an ordinary record job over the same input:
/// each sample is replaced by the samples packed from its journaled pairs, and every candidate
/// its generator refused goes to the rejects under the refusing check. An image with no
/// accepted pair is rejected under the first refusal (or <see cref="NothingAcceptedRule"/>), one
/// whose generation failed under the failure's rule, so every input image is accounted for.
/// </summary>
public sealed class SynthesisOutputStep(Journal.SynthesisJournal journal, string generator, JsonObject provenance, int maxPairs) : IRule
{
    public const string NothingAcceptedRule = "synthesis-nothing-accepted";
    public const string NotRunRule = "synthesis-not-run";

    public string Name => "synthesis";
    public string Description => "replaces each image's sample by the samples generated for it";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        var key = SynthesisKeys.Of(sample, context.RecordNumber);
        if (journal.Finished(key) is not { } result)
            return journal.Failure(key) is { } failure
                ? RuleOutcome.Reject(failure.Rule, failure.Reason)
                : RuleOutcome.Reject(NotRunRule, "no result was generated for this image (the generation pass did not reach it)");

        var drops = result.Dropped.Select(d => new NamedDrop(d.Rule, Describe(d), Turns(d))).ToList();
        if (result.Pairs.Count == 0)
        {
            var first = result.Dropped.FirstOrDefault();
            return RuleOutcome.Reject(first?.Rule ?? NothingAcceptedRule,
                first is null ? "the generator accepted no question for this image" : $"no question was accepted for this image; {Describe(first)}", drops);
        }
        return RuleOutcome.Replaced(PairPacker.Pack(sample, result.Pairs, maxPairs, generator, provenance), drops);
    }

    private static string Describe(DroppedCandidate drop) => drop.Kind is { } kind ? $"{kind}: {drop.Reason}" : drop.Reason;

    /// <summary>The refused question and answer as turns, so the rejects file shows what was refused.</summary>
    private static IReadOnlyList<Turn> Turns(DroppedCandidate drop)
    {
        var turns = new List<Turn>(2);
        if (drop.Question is { } question) turns.Add(new Turn(Roles.Human, question));
        if (drop.Answer is { } answer) turns.Add(new Turn(Roles.Gpt, answer));
        return turns;
    }
}
