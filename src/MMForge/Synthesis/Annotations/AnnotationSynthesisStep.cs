using System.Text.Json;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Synthesis.Annotations;

/// <summary>
/// The annotations generator as a stage step: each sample with box annotations becomes a
/// multi-turn sample of <see cref="AnnotationQuestions"/> about its image (at most
/// <paramref name="maxPairs"/> pairs, the image placeholder in the first question), keeping its
/// images, tags and annotations, and recording in <c>extra.synthesis</c> the generator, the
/// kinds of question and the seed. A sample whose annotations support no question goes to the
/// rejects with the reason, so nothing is lost.
/// </summary>
public sealed class AnnotationSynthesisStep(AnnotationQuestions questions, ulong seed, int maxPairs) : IRule
{
    public const string Generator = "annotations";

    public string Name => "synthesis-no-annotations";
    public string Description => "samples whose annotations support no grounded question";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        var pairs = questions.For(sample).Take(maxPairs).ToList();
        if (pairs.Count == 0)
            return RuleOutcome.Reject(sample.Annotations is { Boxes.Count: > 0 }
                ? "its boxes cannot be placed: pixel boxes without the image's size, or boxes outside the image"
                : "it has no box annotations to ask about");
        sample.Turns.Clear();
        for (var i = 0; i < pairs.Count; i++)
        {
            sample.Turns.Add(new Turn(Roles.Human, (i == 0 && sample.Images.Count > 0 ? Sample.ImageToken + "\n" : "") + pairs[i].Question));
            sample.Turns.Add(new Turn(Roles.Gpt, pairs[i].Answer));
        }
        sample.Text = null;
        sample.Id += "#" + Generator;
        sample.Extra.Set("synthesis", JsonSerializer.SerializeToElement(new { generator = Generator, kinds = pairs.Select(p => p.Kind).ToArray(), seed }));
        return RuleOutcome.Pass;
    }
}
