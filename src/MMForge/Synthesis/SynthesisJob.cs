using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Synthesis.Journal;

namespace MMForge.Synthesis;

/// <summary>Settings of a synthesis run that are not the generator's own.</summary>
public sealed record SynthesisOptions
{
    /// <summary>The SQLite journal that makes the run resumable (a shard keeps its own beside it: <see cref="Journal"/>).</summary>
    public required string JournalPath { get; init; }

    /// <summary>When set, only this shard's images are generated and written (<c>--shard I/N</c>).</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>
    /// The journal this run keeps: <see cref="JournalPath"/>, or for a shard its own file beside it
    /// (<c>NAME.IIIII-of-NNNNN.EXT</c>): shard processes never share one SQLite file (they may run on
    /// other machines over shared storage), and a relaunched shard finds the journal it left.
    /// </summary>
    public string Journal => Shard is { } shard
        ? Path.Combine(Path.GetDirectoryName(JournalPath) ?? "", $"{Path.GetFileNameWithoutExtension(JournalPath)}.{shard.Name}{Path.GetExtension(JournalPath)}")
        : JournalPath;

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
        using var journal = OpenJournal();
        return Run(journal, sources, output, generating, writing);
    }

    /// <summary>The run's journal (<see cref="SynthesisOptions.Journal"/>), started afresh when another configuration wrote it.</summary>
    public SynthesisJournal OpenJournal() => new(options.Journal, generator.Parameters.ToJsonString(), options.Log);

    /// <summary>Generates what <paramref name="journal"/> lacks, then writes the output from it.</summary>
    public Manifest Run(SynthesisJournal journal, IReadOnlyList<OpenedSource> sources, IJobOutput output, Action<SynthesisProgress>? generating = null, Action<JobProgress>? writing = null)
    {
        EnoughPoolThreads();
        new GenerationPass(generator, journal, options.ImagesInFlight, usage, options.Shard).RunAsync(sources, generating).GetAwaiter().GetResult();
        return new RecordJob(WritingOptions(journal), writing).Run(sources, output);
    }

    /// <summary>The writing pass over the journal's results; its parameters are what the manifest records, so a relaunched shard compares them to skip itself.</summary>
    public JobOptions WritingOptions(SynthesisJournal journal)
    {
        var parameters = (JsonObject)generator.Parameters.DeepClone();
        parameters["generator"] = generator.Name;
        parameters["max_turns"] = options.MaxPairs;
        return new JobOptions
        {
            Stage = Stage,
            Rules = Filters.RuleSet.Of(new SynthesisOutputStep(journal, generator.Name, generator.Provenance, options.MaxPairs)),
            Workers = options.Workers,
            Params = parameters,
            Shard = options.Shard,
        };
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
