using MMForge.Records;

namespace MMForge.Tagging;

/// <summary>Gives a sample's instruction a place in the taxonomy; safe to call from many threads at once.</summary>
public interface IInstructionClassifier
{
    /// <summary>The taxonomy path of the sample's instruction, or null when it has none or cannot be placed.</summary>
    InstructionTag? Classify(Sample sample);
}
