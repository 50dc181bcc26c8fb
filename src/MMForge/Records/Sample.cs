namespace MMForge.Records;

/// <summary>
/// One unified training sample: the common shape every input format is read into and every
/// writer is fed from. Fields a format does not model are kept verbatim in <see cref="Extra"/>
/// so that converting a record and converting it back loses nothing.
/// </summary>
public sealed class Sample
{
    public string Id { get; set; } = "";

    /// <summary>True when the source wrote the id as a JSON number (LLaVA allows both); writers keep the type.</summary>
    public bool IdIsNumber { get; set; }

    public string? Source { get; set; }

    public List<ImageRef> Images { get; } = [];

    /// <summary>Dialogue turns; images are referenced by <c>&lt;image&gt;</c> placeholders in the text.</summary>
    public List<Turn> Turns { get; } = [];

    /// <summary>Plain text for samples that are not dialogues (captions, interleaved documents).</summary>
    public string? Text { get; set; }

    public List<ImageTag> ImageTags { get; } = [];

    public List<InstructionTag> InstructionTags { get; } = [];

    /// <summary>Numeric quality signals by name (e.g. <c>qw2vl_loss</c>, judge scores).</summary>
    public SortedDictionary<string, double> Scores { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Visual tokens the sample's images cost a model, by model name (see
    /// <see cref="Media.VisualTokens.VisualTokenBudget"/>); filled once the image sizes are known.
    /// </summary>
    public SortedDictionary<string, int> VisualTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Human annotations (captions, boxes) that later stages turn into instructions.</summary>
    public Annotations? Annotations { get; set; }

    public Provenance Provenance { get; set; } = new();

    /// <summary>Fields of the source record that no unified field models, in source order.</summary>
    public ExtraFields Extra { get; } = new();

    public const string ImageToken = "<image>";
}
