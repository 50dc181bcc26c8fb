namespace MMForge.Dedup.Text;

/// <summary>
/// Two samples (ordinals, <see cref="A"/> &lt; <see cref="B"/>) whose texts are near-duplicates:
/// <see cref="Similarity"/> is the Jaccard similarity estimated from their MinHash signatures.
/// </summary>
public readonly record struct TextEdge(int A, int B, double Similarity);
