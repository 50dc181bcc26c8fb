using MMForge.Records;

namespace MMForge.Tagging;

/// <summary>Gives a sample's instruction a place in the taxonomy; safe to call from many threads at once.</summary>
public interface IInstructionClassifier
{
    /// <summary>The taxonomy path of the sample's instruction, or null when it has none or cannot be placed.</summary>
    InstructionTag? Classify(Sample sample);

    /// <summary>
    /// The turn every classifier reads as the sample's instruction: its first human turn, the
    /// question that sets the task (later turns are mostly follow-ups and would blur it); null
    /// when it has none.
    /// </summary>
    static Turn? InstructionTurn(Sample sample) => sample.Turns.FirstOrDefault(t => t.Role == Roles.Human);
}
