using System.Text.Json.Nodes;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Synthesis.Annotations;

/// <summary>
/// The annotations generator as a stage step: each sample with annotations to ask about is
/// replaced by the multi-turn samples <see cref="PairPacker"/> makes of its
/// <see cref="AnnotationQuestions"/> (at most <paramref name="maxPairs"/> pairs each, ids
/// <c>{id}#annotations</c>, <c>{id}#annotations-2</c>, ...), recording in <c>extra.synthesis</c>
/// the generator, the seed and each pair's kind and MMInstruct type. A sample whose annotations
/// support no question goes to the rejects with the reason, so nothing is lost.
/// </summary>
public sealed class AnnotationSynthesisStep(AnnotationQuestions questions, ulong seed, int maxPairs) : IRule
{
    public const string Generator = "annotations";

    public string Name => "synthesis-no-annotations";
    public string Description => "samples whose annotations support no grounded question";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        var pairs = questions.For(sample);
        if (pairs.Count == 0)
            return RuleOutcome.Reject(sample.Annotations is { Boxes.Count: > 0 }
                ? "its boxes cannot be placed (pixel boxes without the image's size, boxes outside the image, or boxes without a category) and it has no captions"
                : "it has no box annotations or captions to ask about");
        return RuleOutcome.Replaced(PairPacker.Pack(sample, [.. pairs.Select(p => p.ToPair())], maxPairs, Generator, new JsonObject { ["seed"] = seed }), []);
    }
}
