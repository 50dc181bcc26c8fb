namespace MMForge.Synthesis.Vlm;

/// <summary>The knobs of the Infinity-MM method; the defaults follow the paper where it says, and docs/prompts.md where it does not.</summary>
public sealed record InfinityMmOptions
{
    /// <summary>Instruction types chosen per image from the correspondence scores (one question each).</summary>
    public int TypesPerImage { get; init; } = 2;

    /// <summary>Softmax temperature of the type choice (<see cref="Tagging.Correspondence.TypeChooser"/>); 0 takes the best types.</summary>
    public double TypeTemperature { get; init; } = 0.1;

    /// <summary>Seed of every random choice (types, answer styles).</summary>
    public ulong Seed { get; init; }

    /// <summary>Few-shot examples of the chosen type shown with each question request.</summary>
    public int Examples { get; init; } = 2;

    /// <summary>Lowest relevance score (1-10) a question may get from the judge and be kept.</summary>
    public int MinRelevance { get; init; } = 7;

    /// <summary>Lowest score (1-10) an answer may get and be kept; the paper drops answers below 8.</summary>
    public int MinAnswerScore { get; init; } = 8;

    public AnswerStyleMix Styles { get; init; } = AnswerStyleMix.Even;

    /// <summary>Sampling temperature of question and answer generation (the judges run at 0).</summary>
    public float Temperature { get; init; } = 0.7f;

    /// <summary>Longer side, in pixels, of every image sent.</summary>
    public int MaxImageSide { get; init; } = 1024;

    /// <summary>Shrunk seed images kept in memory (the same few-shot examples recur across similar images).</summary>
    public int SeedImageCache { get; init; } = 1024;

    public void Validate()
    {
        if (TypesPerImage < 1) throw new ArgumentException("types per image must be at least 1");
        if (Examples < 0) throw new ArgumentException("examples must be 0 or more");
        if (MinRelevance is < 1 or > 10 || MinAnswerScore is < 1 or > 10) throw new ArgumentException("score thresholds are on the 1-10 scale");
        if (MaxImageSide < 1) throw new ArgumentException("the maximum image side must be at least 1");
        if (!double.IsFinite(TypeTemperature) || TypeTemperature < 0) throw new ArgumentException("the type temperature must be 0 or more");
    }
}
