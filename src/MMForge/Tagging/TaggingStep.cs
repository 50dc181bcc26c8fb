using MMForge.Filters;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Statistics;

namespace MMForge.Tagging;

/// <summary>
/// The tag stage's step, run by <see cref="Pipeline.RecordJob"/> like a rule.
/// Image tags: the taggers run in their configured order and the first to name a tag gives it
/// its score and <see cref="ImageTag.By"/> (scores of different taggers are on different scales,
/// so they are not compared); tags the sample carried from taggers not run here are kept after
/// them. Instruction tags: the classifier places samples that have none (or every sample with
/// <c>reclassify</c>). Every sample then goes into the stage's statistics. A model-backed tagger
/// that fails for a sample rejects it (<see cref="ModelTaggers.ModelStepException"/>), and the
/// run goes on.
/// </summary>
public sealed class TaggingStep(IReadOnlyList<IImageTagger> imageTaggers, TaggingCounts counts, IInstructionClassifier? classifier, bool reclassify, TagStatistics statistics) : IRule
{
    private readonly HashSet<string?> _taggerNames = [.. imageTaggers.Select(t => t.By)];

    public string Name => "tag";
    public string Description => "tag images from the RAM++ vocabulary and place instructions in the taxonomy";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        try
        {
            Tag(sample, context);
        }
        catch (ModelTaggers.ModelStepException e)
        {
            return RuleOutcome.Reject(e.Rule, e.Message);
        }
        lock (statistics) statistics.Add(sample);
        return RuleOutcome.Pass;
    }

    /// <summary>Asks every tagger and the classifier first and changes the sample only then, so a sample rejected on a failure is written as it came.</summary>
    private void Tag(Sample sample, RuleContext context)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var tags = new List<ImageTag>();
        foreach (var tagger in imageTaggers)
            foreach (var tag in tagger.Tag(sample, context, counts))
                if (named.Add(tag.Tag)) tags.Add(tag);
        tags.AddRange(sample.ImageTags.Where(t => !_taggerNames.Contains(t.By) && named.Add(t.Tag)));
        var classify = classifier is not null && (reclassify || sample.InstructionTags.Count == 0);
        var placed = classify ? classifier!.Classify(sample) : null;

        sample.ImageTags.Clear();
        sample.ImageTags.AddRange(tags);
        if (!classify) return;
        sample.InstructionTags.Clear();
        if (placed is not null) sample.InstructionTags.Add(placed);
    }
}
