namespace MMForge.Dedup;

/// <summary>Why one sample duplicates another; each kind is also the reject rule's name.</summary>
public enum DuplicateKind { Exact, NearImage, NearText, Near }

public static class DuplicateKinds
{
    /// <summary>The name in clusters.jsonl and the reject rule (<c>dedup-</c> + name).</summary>
    public static string Name(this DuplicateKind kind) => kind switch
    {
        DuplicateKind.Exact => "exact",
        DuplicateKind.NearImage => "near-image",
        DuplicateKind.NearText => "near-text",
        _ => "near-image-text",
    };

    public static string RuleName(this DuplicateKind kind) => "dedup-" + kind.Name();
}

/// <summary>
/// Two samples found to be duplicates: A and B are ordinals (input order), A &lt; B. The image
/// distance is the pHash Hamming distance (-1 when not compared), the text similarity the
/// estimated Jaccard similarity of their text (NaN when not compared).
/// </summary>
public readonly record struct DuplicateEdge(int A, int B, DuplicateKind Kind, int ImageDistance, double TextSimilarity);
