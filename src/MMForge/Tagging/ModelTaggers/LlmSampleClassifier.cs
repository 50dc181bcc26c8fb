using MMForge.Filters;
using MMForge.Models;
using MMForge.Records;
using MMForge.Tagging.Taxonomy;

namespace MMForge.Tagging.ModelTaggers;

/// <summary>
/// <see cref="LlmInstructionClassifier"/> in the tag stage: the sample's first human turn (the
/// question that sets the task, as the embedded classifier reads it), placed among the taxonomy's
/// leaves. A reply that stays invalid after the correction leaves the sample without a type and
/// is counted; a model that cannot be reached rejects the sample (<see cref="ModelStepException"/>).
/// </summary>
public sealed class LlmSampleClassifier(LlmInstructionClassifier llm) : IInstructionClassifier
{
    public const string FailureRule = "tag-llm";

    private long _unplaced;

    /// <summary>Samples whose instruction the model could not place after its correction.</summary>
    public long Unplaced => Interlocked.Read(ref _unplaced);

    /// <summary>The taxonomy's leaves as the choices offered to the model.</summary>
    public static IReadOnlyList<TaxonomyChoice> Choices(InstructionTaxonomy taxonomy) =>
        [.. taxonomy.Leaves.Select(leaf => new TaxonomyChoice(leaf.Id, leaf.DisplayPath))];

    public InstructionTag? Classify(Sample sample)
    {
        var question = IInstructionClassifier.InstructionTurn(sample) is { } turn ? TurnPairs.QuestionText(turn) : null;
        if (string.IsNullOrEmpty(question)) return null;
        try
        {
            var result = llm.ClassifyAsync(question).GetAwaiter().GetResult();
            if (result.Tag is null) Interlocked.Increment(ref _unplaced);
            return result.Tag;
        }
        catch (ModelCallException e)
        {
            throw new ModelStepException(FailureRule, $"the language model could not classify the instruction: {e.Message}", e);
        }
    }
}
