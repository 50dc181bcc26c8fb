using MMForge.Records;

namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// An instruction's place in the taxonomy as a classifier decided it.
/// <see cref="Path"/> is an L3 leaf id; its L2 and L1 are its ancestors.
/// <see cref="Score"/> is the probability of that leaf and <see cref="CategoryScore"/> of its L2
/// node (the level the embedded classifier is accurate at); a keyword match has no
/// probability, so both are <see cref="EmbeddedInstructionClassifier.KeywordScore"/>.
/// <see cref="By"/> names what decided: <see cref="EmbeddedInstructionClassifier.EmbeddedBy"/>
/// or <see cref="EmbeddedInstructionClassifier.KeywordsBy"/>; <see cref="None"/> when nothing could.
/// </summary>
public readonly record struct InstructionClassification(string Path, double Score, double CategoryScore, string By)
{
    /// <summary>No decision: the text had nothing the classifier knows (empty, or no known word and no keyword).</summary>
    public static InstructionClassification None { get; } = new("", 0, 0, "none");

    public bool IsNone => Path.Length == 0;

    /// <summary>The tag to store in <see cref="Sample.InstructionTags"/>.</summary>
    /// <exception cref="InvalidOperationException">this is <see cref="None"/>.</exception>
    public InstructionTag ToTag() =>
        IsNone ? throw new InvalidOperationException("no instruction type was decided, so there is no tag") : new InstructionTag(Path, Score, By);
}
