using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>
/// Writes a caption-only sample (alignment data: images and a caption, no conversation) as the
/// one question and answer a trainer takes, LLaVA's pretraining layout: the question is one
/// <c>&lt;image&gt;</c> per image, a newline and the prompt; the answer is the caption without
/// placeholders. Used by export when <c>--caption-prompt</c> is given; without it such samples
/// are rejected as unwritable, since the prompt is the user's choice.
/// </summary>
public sealed class CaptionDialogueRule(string prompt) : IRule
{
    public string Name => "caption-dialogue";
    public string Description => "write a caption-only sample as one question (its images and the prompt) and answer (the caption)";
    public bool OnByDefault => false;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        if (sample.Turns.Count > 0 || sample.Text is null) return RuleOutcome.Pass;
        var caption = sample.Text.Replace(Sample.ImageToken, "", StringComparison.Ordinal).Trim();
        if (caption.Length == 0) return RuleOutcome.Pass; // nothing to answer: the sample stays unwritable
        var images = string.Concat(Enumerable.Repeat(Sample.ImageToken + "\n", sample.Images.Count));
        sample.Turns.Add(new Turn(Roles.Human, images + prompt));
        sample.Turns.Add(new Turn(Roles.Gpt, caption));
        sample.Text = null;
        return RuleOutcome.Repaired("caption written as one question and answer");
    }
}
