using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Synthesis;

/// <summary>
/// The key of an input sample in the synthesis journal: its source, its id and where it was
/// read (shard file name and byte offset), so two records that share an id stay apart and both
/// passes over the same input name each record the same way.
/// </summary>
public static class SynthesisKeys
{
    public static string Of(Sample sample, RecordLocation location) =>
        $"{sample.Source}\u001f{sample.Id}\u001f{Path.GetFileName(location.File)}@{location.Offset}";
}
