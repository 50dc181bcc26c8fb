using MMForge.Records;

namespace MMForge.Synthesis;

/// <summary>
/// The key of an input sample in the synthesis journal: its source, its id and its number in the
/// stage's input, so two records that share an id stay apart and both passes over the same input
/// name each record the same way. Not where it was read: the input's data files depend on how the
/// stage before wrote them (one process or shards, records per file), and neither the journal nor
/// the random choices keyed by it may.
/// </summary>
public static class SynthesisKeys
{
    public static string Of(Sample sample, long recordNumber) => $"{sample.Source}\u001f{sample.Id}\u001f#{recordNumber}";
}
