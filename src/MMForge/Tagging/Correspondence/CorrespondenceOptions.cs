namespace MMForge.Tagging.Correspondence;

/// <summary>The taxonomy level an instruction type is counted at: the correspondence is fitted per L2 or per L3 type.</summary>
public enum TypeLevel
{
    L2 = 2,
    L3 = 3,
}

/// <summary>How a tag's share of a type's seed samples becomes its term frequency (see docs/correspondence.md).</summary>
public enum TfScheme
{
    /// <summary>tf = c / n: the fraction of the type's n seed samples whose image carries the tag (c of them).</summary>
    Share,

    /// <summary>tf = 1 + ln(c): damps tags that are merely frequent (sklearn's sublinear_tf on counts).</summary>
    Sublinear,
}

/// <summary>Settings of <see cref="CorrespondenceModel.Fit"/>; stored in the model file so a model says how it was made.</summary>
public sealed record CorrespondenceOptions
{
    /// <summary>Instruction tags are truncated to this level; tags coarser than it are not counted.</summary>
    public TypeLevel Unit { get; init; } = TypeLevel.L3;

    public TfScheme Tf { get; init; } = TfScheme.Share;

    /// <summary>
    /// Scale every type's weight vector to unit Euclidean length, so a type whose seeds carry
    /// many different tags does not outscore narrow types on every image.
    /// </summary>
    public bool L2Normalize { get; init; } = true;

    /// <summary>
    /// Types with fewer seed samples stay in the model, flagged unsupported, but take no part in
    /// the IDF and are never scored: a profile from a handful of images is mostly chance.
    /// </summary>
    public int MinSupport { get; init; } = 5;

    /// <summary>
    /// A type's document counts as holding a tag for the IDF only when at least this share of
    /// its seed samples carry it. On a large seed set nearly every common tag turns up a few
    /// times under every type, which would make every df equal N; a stray 1% does not make a
    /// tag typical of a type. 0 gives sklearn's df exactly. The tag's TF is unaffected.
    /// </summary>
    public double DfMinShare { get; init; } = 0.01;

    /// <summary>Tags kept per type in the model (highest weight first); 0 keeps every tag.</summary>
    public int MaxTagsPerType { get; init; } = 200;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Unit)) throw new ArgumentException($"unit must be l2 or l3, not {(int)Unit}");
        if (!Enum.IsDefined(Tf)) throw new ArgumentException($"unknown tf scheme {(int)Tf}");
        if (MinSupport < 1) throw new ArgumentException($"min-support must be at least 1, not {MinSupport}");
        if (!(DfMinShare is >= 0 and <= 1)) throw new ArgumentException($"df-min-share must be between 0 and 1, not {DfMinShare}");
        if (MaxTagsPerType < 0) throw new ArgumentException($"max tags per type must be 0 (all) or more, not {MaxTagsPerType}");
    }
}
