namespace MMForge.Records;

/// <summary>An image tag with its score and the tagger that produced it (e.g. "ram++", "text", "vlm").</summary>
public sealed record ImageTag(string Tag, double? Score, string? By);

/// <summary>
/// A position in the instruction taxonomy, written as "L1/L2/L3" (a prefix when only coarser
/// levels are known), with the classifier that produced it.
/// </summary>
public sealed record InstructionTag(string Path, double? Score, string? By);
