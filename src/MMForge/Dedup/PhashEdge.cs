namespace MMForge.Dedup;

/// <summary>
/// Two samples whose 64-bit pHashes differ in <see cref="Distance"/> bits (A &lt; B, sample ordinals).
/// </summary>
public readonly record struct PhashEdge(int A, int B, int Distance);
