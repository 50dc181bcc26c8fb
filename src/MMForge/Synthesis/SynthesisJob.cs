using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Synthesis.Journal;

namespace MMForge.Synthesis;

/// <summary>Settings of a synthesis run that are not the generator's own.</summary>
public sealed record SynthesisOptions
{
    /// <summary>The SQLite journal that makes the run resumable.</summary>
    public required string JournalPath { get; init; }

    /// <summary>Most question/answer pairs packed into one sample.</summary>
    public int MaxPairs { get; init; } = 8;

    /// <summary>Images being generated at once; enough to keep every model slot busy while some images wait between steps.</summary>
    public int ImagesInFlight { get; init; } = 64;

    /// <summary>Threads of the writing pass.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Told about journal housekeeping (a journal of another configuration started afresh).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// <c>mmforge synthesize</c> with a model-backed generator: the generation pass fills the
/// journal (<see cref="GenerationPass"/>), then an ordinary record job over the same input
/// writes the packed samples and the rejects from it (<see cref="SynthesisOutputStep"/>). A run
/// killed at any point leaves the journal; the rerun generates only what is missing and writes
/// the same output an uninterrupted run would have.
/// </summary>
public sealed class SynthesisJob(ISampleGenerator generator, SynthesisOptions options, Func<ModelUsage>? usage = null)
{
    public const string Stage = "synthesize";

    /// <summary>Threads the pool keeps ready during generation.</summary>
    private const int MinPoolThreads = 8;

    public Manifest Run(IReadOnlyList<OpenedSource> sources, IJobOutput output, Action<SynthesisProgress>? generating = null, Action<JobProgress>? writing = null)
    {
        EnoughPoolThreads();
        using var journal = new SynthesisJournal(options.JournalPath, generator.Parameters.ToJsonString(), options.Log);
        new GenerationPass(generator, journal, options.ImagesInFlight, usage).RunAsync(sources, generating).GetAwaiter().GetResult();
        var parameters = (JsonObject)generator.Parameters.DeepClone();
        parameters["generator"] = generator.Name;
        parameters["max_turns"] = options.MaxPairs;
        var job = new RecordJob(new JobOptions
        {
            Stage = Stage,
            Rules = Filters.RuleSet.Of(new SynthesisOutputStep(journal, generator.Name, generator.Provenance, options.MaxPairs)),
            Workers = options.Workers,
            Params = parameters,
        }, writing);
        return job.Run(sources, output);
    }

    /// <summary>
    /// The generation pass runs hundreds of requests' continuations on the thread pool, and they
    /// make short blocking SQLite calls (journal, cache) there. On two cores the pool starts with
    /// two threads and adds one only every half second or so, which left request slots idle (93%
    /// of the ideal throughput at 200 ms latency, 96% with eight threads). Many more threads cost
    /// throughput instead: they spin on the SQLite locks (32 threads: 2,100 requests/s at zero
    /// latency against 2,400 with eight).
    /// </summary>
    private static void EnoughPoolThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < MinPoolThreads) ThreadPool.SetMinThreads(MinPoolThreads, completionPorts);
    }
}
