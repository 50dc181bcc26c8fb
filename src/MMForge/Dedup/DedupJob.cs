using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using MMForge.Dedup.Text;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Pipeline;

namespace MMForge.Dedup;

/// <summary>
/// <c>mmforge dedup</c>: a global stage in two passes over the input. The key pass reads every
/// sample once into a compact <see cref="SampleKey"/> (ids go to a spill file); the duplicate
/// edges are found on the keys alone, clustered, and a representative chosen per cluster; the
/// writing pass is an ordinary record job that rejects the removed samples with the reason and
/// writes <see cref="ClustersFile"/> beside the shards. Ordinals are input order, so the
/// result does not depend on the number of workers.
/// </summary>
/// <remarks>
/// Sharded, the same passes run as four steps on many machines: each shard writes the keys of
/// its records, also grouped by exact-key partition (<see cref="WriteKeys"/>); each partition's
/// exact duplicates are found by a reduce step of its own (<see cref="Reduce"/>); one step takes
/// the decisions (<see cref="DecideFromKeys"/>: the one-process decisions, clusters.jsonl); and
/// each shard writes its records with those decisions (<see cref="Apply"/>), for merge-shards to
/// join. With <c>--match exact</c> the reduce steps decide every cluster and the decide step only
/// merges their removals, so no step holds every key; the near searches still read every
/// sample's compact keys in the decide step.
/// </remarks>
public sealed class DedupJob(DedupOptions options)
{
    public const string Stage = "dedup";

    /// <summary>Runs both passes in this process; <paramref name="progress"/> hears of the key pass (sources named "keys of ...") and then the writing pass.</summary>
    public Manifest Run(IReadOnlyList<OpenedSource> sources, DatasetOutput output, Action<JobProgress>? progress = null)
    {
        var removals = Decide(sources, add => ReadKeys(sources, null, add, progress), foundExactEdges: null, write =>
        {
            using var clusters = output.CreateFile(ClustersFile.FileName);
            write(clusters);
        });
        return new RecordJob(WritingOptions(null, removals), progress).Run(sources, output);
    }

    /// <summary>Sharded step 1: the keys of <paramref name="shard"/>'s records into <c>OUTPUT/keys/</c>; returns how many records the shard read.</summary>
    public long WriteKeys(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string stageOutput, Action<JobProgress>? progress)
    {
        long records = 0;
        KeyShards.Write(stageOutput, shard, Parameters, options.Text.Permutations,
            add => records = ReadKeys(sources, shard, add, progress));
        return records;
    }

    /// <summary>Whether a previous launch already wrote <paramref name="shard"/>'s keys with these options.</summary>
    public bool KeysWritten(ShardSpec shard, string stageOutput) => KeyShards.Written(stageOutput, shard, Parameters);

    /// <summary>
    /// Sharded step 2: the exact duplicates among the keys of exact-key partition
    /// <paramref name="partition"/> (one per key shard) of every shard (<see cref="ExactReduce"/>);
    /// returns how many removals (<c>--match exact</c>) or edges it found.
    /// </summary>
    public int Reduce(ShardSpec partition, string stageOutput)
    {
        var files = KeyShards.Complete(stageOutput, Parameters);
        if (files.Count != partition.Count)
            throw new ArgumentException($"the keys were written by {files.Count} shards, so there are {files.Count} partitions to reduce, not {partition.Count}: use --shard I/{files.Count}");
        return ExactReduce.Run(files.Select(KeyShards.ExactFileBeside).ToList(), partition, Parameters, ReduceDecides, stageOutput);
    }

    /// <summary>Whether a previous launch already reduced <paramref name="partition"/> with these options.</summary>
    public bool Reduced(ShardSpec partition, string stageOutput) => ExactReduce.Written(stageOutput, partition, Parameters, ReduceDecides);

    /// <summary>Whether the reduce steps decide every cluster: with exact matching alone, every cluster lies in one partition.</summary>
    public bool ReduceDecides => options.Match == DedupMatch.Exact;

    /// <summary>
    /// Sharded step 3: the decisions one process takes, written as clusters.jsonl into the stage's
    /// output and as the decisions for <see cref="Apply"/>: with <c>--match exact</c> the reduce
    /// steps' removals merged in input order; otherwise every shard's keys merged in input order,
    /// with the reduce steps' exact edges, searched for near duplicates. Returns how many samples
    /// are removed. A relaunch decides again rather than trusting an earlier decisions file: it is
    /// quick next to the key pass, and the key files may have been made again since.
    /// </summary>
    public int DecideFromKeys(IReadOnlyList<OpenedSource> sources, string stageOutput)
    {
        var files = KeyShards.Complete(stageOutput, Parameters);
        using var clusters = new AtomicFile(Path.Combine(stageOutput, ClustersFile.FileName));
        var removals = ReduceDecides
            ? ExactReduce.Removals(stageOutput, Parameters, files.Count, clusters.Stream)
            : Decide(sources, add =>
            {
                foreach (var keyed in KeyShards.InInputOrder(files, options.Text.Permutations)) add(keyed);
            }, () => ExactReduce.Edges(stageOutput, Parameters, files.Count), write => write(clusters.Stream));
        clusters.Commit();
        RemovalDecisions.Write(RemovalDecisions.PathIn(stageOutput), DecisionsHeader(files.Count), removals);
        return removals.Count;
    }

    /// <summary>Sharded step 4: <paramref name="shard"/>'s records written with the decisions of step 3.</summary>
    public Manifest Apply(IReadOnlyList<OpenedSource> sources, DatasetOutput output, ShardSpec shard, string stageOutput, Action<JobProgress>? progress) =>
        new RecordJob(WritingOptions(shard, RemovalDecisions.Read(RemovalDecisions.PathIn(stageOutput), DecisionsHeader(shard.Count))), progress).Run(sources, output);

    /// <summary>The writing pass's options for a shard (what a relaunch compares with a finished shard's manifest).</summary>
    public JobOptions WritingOptions(ShardSpec shard) => WritingOptions(shard, new Dictionary<(string, long), (string, string)>());

    private long ReadKeys(IReadOnlyList<OpenedSource> sources, ShardSpec? shard, Action<KeyedSample> add, Action<JobProgress>? progress)
    {
        using var pass = new KeyPass(options);
        return pass.Run(sources, shard, add, progress);
    }

    private JobOptions WritingOptions(ShardSpec? shard, IReadOnlyDictionary<(string File, long Offset), (string Rule, string Reason)> removals) => new()
    {
        Stage = Stage,
        Rules = Filters.RuleSet.Of(new DuplicateRemovalRule(removals)),
        Workers = options.Workers,
        Params = Params(),
        Shard = shard,
    };

    /// <summary>
    /// Every decision taken on the keys <paramref name="readKeys"/> hands over in input order: the
    /// removed samples by where they were read, with their rule and reason, and clusters.jsonl
    /// given to <paramref name="writeClusters"/>. The keys are dropped when it returns, so the
    /// writing pass does not hold them. The exact edges are found on the keys, or by
    /// <paramref name="foundExactEdges"/> elsewhere (the sharded reduce steps: the keys then hold no exact keys).
    /// </summary>
    private Dictionary<(string File, long Offset), (string Rule, string Reason)> Decide(IReadOnlyList<OpenedSource> sources, Action<Action<KeyedSample>> readKeys,
        Func<List<DuplicateEdge>>? foundExactEdges, Action<Action<Stream>> writeClusters)
    {
        var spill = options.SpillDirectory ?? Path.GetTempPath();
        using var ids = new IdSpill(spill);
        using var texts = options.ComparesText ? new MinHashLsh(options.Text, spill) : null;
        using var keys = new KeyColumns(spill, sources.Sum(s => s.DatasetManifest?.Records ?? 0), holdsExactKeys: foundExactEdges is null);
        readKeys(new KeyCollector(keys, ids, texts, options.Text.Permutations).Add);
        // exact edges before near ones, as DuplicateClusters explains a pair joined both ways by its exact edge
        var edges = foundExactEdges is null ? ExactEdges(keys) : foundExactEdges();
        var near = new NearDuplicates(keys, options);
        edges.AddRange(options.Match switch
        {
            DedupMatch.Image => near.Images(),
            DedupMatch.Text => near.Texts(texts!),
            DedupMatch.ImageAndText => near.ImagesAndTexts(texts!),
            _ => [],
        });
        var removals = DuplicateClusters.Resolve(keys.Count, keys.Member, edges);

        var names = ids.Read(removals.SelectMany(r => new[] { r.Ordinal, r.DuplicateOf, r.Kept }).ToHashSet());
        writeClusters(stream => ClustersFile.Write(stream, removals, names));
        return removals.ToDictionary(
            r => (keys.FileOf(r.Ordinal), keys.Member(r.Ordinal).Offset),
            r => (r.Edge.Kind.RuleName(), ClustersFile.Reason(r, names)));
    }

    /// <summary>
    /// The exact edges, in a frame of their own: the span over the exact keys ends with it, so the
    /// keys can be collected before the near searches. In the caller's frame the span would keep
    /// them alive to its end (the runtime reports such a local for the whole method).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<DuplicateEdge> ExactEdges(KeyColumns keys) => ExactDuplicates.Edges(keys.TakeExactKeys());

    /// <summary>What key files are made with: the options that change a key or a decision.</summary>
    private string Parameters => Params().ToJsonString();

    /// <summary>What decisions are made for: the options and the number of shards that read the keys.</summary>
    private string DecisionsHeader(int shards) => $"{Parameters} shards {shards}";

    private JsonObject Params() => new()
    {
        ["match"] = options.Match.ToString(),
        ["scope"] = options.Scope.ToString(),
        ["max_image_distance"] = options.MaxImageDistance,
        ["text"] = options.ComparesText
            ? new JsonObject
            {
                ["shingles"] = $"{options.Text.ShingleKind.ToString().ToLowerInvariant()} {options.Text.ShingleSize}-grams",
                ["permutations"] = options.Text.Permutations,
                ["bands"] = options.Text.Bands,
                ["jaccard_threshold"] = options.Text.JaccardThreshold,
                ["seed"] = options.Text.Seed,
            }
            : null,
    };
}
