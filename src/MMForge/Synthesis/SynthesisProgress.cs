using MMForge.Models;

namespace MMForge.Synthesis;

/// <summary>
/// Where the generation pass stands: images done of the total (those finished in an earlier run
/// included), pairs accepted, candidates refused by rule, images that failed, and the model's
/// calls and tokens so far, for rates and an ETA.
/// </summary>
public sealed record SynthesisProgress(
    long ImagesDone,
    long ImagesTotal,
    long ImagesFromJournal,
    long ImagesFailed,
    long PairsAccepted,
    IReadOnlyDictionary<string, long> RefusedByRule,
    ModelUsage? Usage,
    TimeSpan Elapsed);
