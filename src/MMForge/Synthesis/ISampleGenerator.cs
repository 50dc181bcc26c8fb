using System.Text.Json.Nodes;
using MMForge.Records;

namespace MMForge.Synthesis;

/// <summary>
/// One way of making new question/answer pairs for an image. Called once per input sample, on
/// any thread, many images at a time; every model call goes through
/// <see cref="GenerationContext.Steps"/> so a rerun after a crash repeats none that finished.
/// Deterministic: the same sample, configuration and model replies give the same result.
/// </summary>
public interface ISampleGenerator
{
    /// <summary>Name recorded in every output sample (<c>vlm</c>, <c>llm</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Everything that decides the output besides the input and the model's replies (model name,
    /// prompt template version, thresholds, seed): recorded in the manifest, and a journal
    /// written under other parameters is not reused.
    /// </summary>
    JsonObject Parameters { get; }

    /// <summary>What each output sample records in <c>extra.synthesis</c> besides its pairs (model, prompt version, seed).</summary>
    JsonObject Provenance { get; }

    /// <summary>
    /// The pairs for one sample. Input the generator cannot use (no tags, an unreadable image, a
    /// reply that makes no sense) becomes a <see cref="DroppedCandidate"/>; a model that cannot be
    /// reached throws <see cref="Models.ModelCallException"/>, and the image is tried again on a rerun.
    /// </summary>
    Task<ImageSynthesis> GenerateAsync(Sample sample, GenerationContext context, CancellationToken ct);
}

/// <summary>What a generator may use for one image besides the sample.</summary>
public sealed class GenerationContext(string imageKey, Journal.StepMemo steps, Func<ImageRef, string?> imageFile)
{
    /// <summary>The image's key in the journal; also the key of its seeded random choices.</summary>
    public string ImageKey { get; } = imageKey;

    /// <summary>Runs each named step at most once per image across runs.</summary>
    public Journal.StepMemo Steps { get; } = steps;

    /// <summary>The file of an image of the sample (paths were checked not to leave their root), or null.</summary>
    public Func<ImageRef, string?> ImageFile { get; } = imageFile;
}
