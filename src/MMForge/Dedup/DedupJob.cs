using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// its records, also grouped into partitions (<see cref="WriteKeys"/>, <see cref="KeyPartitions"/>);
/// each partition is reduced by a step of its own (<see cref="Reduce"/>); one step takes the
/// decisions (<see cref="DecideFromKeys"/>: the one-process decisions, clusters.jsonl); and each
/// shard writes its records with those decisions (<see cref="Apply"/>), for merge-shards to join.
/// When every cluster lies in one partition (<see cref="PartitionsDecide"/>: exact matching, by
/// exact key; or near matching within each source, by source) the reduce steps take every
/// decision and the decide step only merges their removals, so no step holds every key.
/// Otherwise (near matches across sources) the reduce steps find the exact edges and link the
/// samples that may be near duplicates (<see cref="KeyLinks"/>: near pHashes, shared LSH band
/// buckets); the decide step joins those into groups and decides group partition by group
/// partition (<see cref="GroupPartitions"/>), holding one at a time.
/// </remarks>
public sealed class DedupJob(DedupOptions options)
{
    public const string Stage = "dedup";

    /// <summary>Runs both passes in this process; <paramref name="progress"/> hears of the key pass (sources named "keys of ...") and then the writing pass.</summary>
    public Manifest Run(IReadOnlyList<OpenedSource> sources, DatasetOutput output, Action<JobProgress>? progress = null)
    {
        List<DecidedRemoval> removals;
        using (var clusters = output.CreateFile(ClustersFile.FileName))
            removals = Decide(Expected(sources), add => ReadKeys(sources, null, add, progress), clusters);
        return new RecordJob(WritingOptions(null, ByPlace(removals)), progress).Run(sources, output);
    }

    /// <summary>Sharded step 1: the keys of <paramref name="shard"/>'s records into <c>OUTPUT/keys/</c>; returns how many records the shard read.</summary>
    public long WriteKeys(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string stageOutput, Action<JobProgress>? progress)
    {
        long records = 0;
        KeyShards.Write(stageOutput, shard, Parameters, options.Text.Permutations, PartitionsDecide, PartitionOf(shard.Count),
            PartitionsDecide ? null : keyFile => new KeyLinks(keyFile, Parameters, shard.Count, options), add => records = ReadKeys(sources, shard, add, progress));
        return records;
    }

    /// <summary>Whether a previous launch already wrote <paramref name="shard"/>'s keys with these options.</summary>
    public bool KeysWritten(ShardSpec shard, string stageOutput) =>
        KeyShards.Written(stageOutput, shard, Parameters) && (PartitionsDecide || KeyLinks.Written(KeyShards.FileOf(stageOutput, shard), Parameters, options));

    /// <summary>
    /// Sharded step 2: partition <paramref name="partition"/> (one per key shard) of every shard's
    /// keys (<see cref="KeyPartitions"/>), in input order. When <see cref="PartitionsDecide"/>, the
    /// decisions one process takes for those samples; otherwise their exact edges, and the links
    /// among the partition's <see cref="KeyLinks"/> entries. Written by <see cref="ReducedPartitions"/>;
    /// returns how many removals or exact edges it found, and how many links.
    /// </summary>
    public (int Found, int Links) Reduce(ShardSpec partition, string stageOutput)
    {
        var keyFiles = KeyShards.Complete(stageOutput, Parameters);
        if (keyFiles.Count != partition.Count)
            throw new ArgumentException($"the keys were written by {keyFiles.Count} shards, so there are {keyFiles.Count} partitions to reduce, not {partition.Count}: use --shard I/{keyFiles.Count}");
        var files = keyFiles.Select(f => KeyShards.Beside(f, KeyPartitions.FileName)).ToList();
        var tables = files.Select(KeyPartitions.ReadTable).ToList();
        var samples = KeyPartitions.InInputOrder(files, tables, partition.Index, options.Text.Permutations);
        if (PartitionsDecide)
            return (DecideInto(ReducedPartitions.FolderOf(stageOutput, partition), tables.Sum(t => t.Counts[partition.Index]), samples), 0);
        var links = KeyLinks.Find(keyFiles, [.. tables.Select(t => t.Samples)], partition.Index, options);
        return (ReducedPartitions.WriteEdges(stageOutput, partition, Parameters, ExactEdgesOf(samples), links), links.Count);
    }

    /// <summary>The exact edges among samples given in input order, on their ordinals.</summary>
    private static List<(int A, int B)> ExactEdgesOf(IEnumerable<(KeyedSample Sample, int Ordinal)> samples)
    {
        // indices rise with the ordinals, so the edges on indices are those on ordinals
        var (keys, ordinals) = (new List<UInt128>(), new List<int>());
        foreach (var (sample, ordinal) in samples)
        {
            keys.Add(sample.Key.Exact);
            ordinals.Add(ordinal);
        }
        return [.. ExactDuplicates.Edges(CollectionsMarshal.AsSpan(keys)).Select(e => (ordinals[e.A], ordinals[e.B]))];
    }

    /// <summary>
    /// The decisions one process takes on <paramref name="expected"/> samples given in input order
    /// (every cluster among them whole), written to <paramref name="folder"/> by
    /// <see cref="ReducedPartitions.WriteRemovals"/> on global ordinals; returns how many are removed.
    /// </summary>
    private int DecideInto(string folder, long expected, IEnumerable<(KeyedSample Sample, int Ordinal)> samples)
    {
        var ordinals = new List<int>();
        return ReducedPartitions.WriteRemovals(folder, Parameters, clusters => Decide(expected, add =>
        {
            foreach (var (sample, ordinal) in samples)
            {
                ordinals.Add(ordinal);
                add(sample);
            }
        }, clusters), ordinals);
    }

    /// <summary>Whether a previous launch already reduced <paramref name="partition"/> with these options.</summary>
    public bool Reduced(ShardSpec partition, string stageOutput) => ReducedPartitions.Written(stageOutput, partition, Parameters, PartitionsDecide);

    /// <summary>
    /// Whether the reduce steps take every decision: every cluster lies in one partition when only
    /// exact copies are matched (partitioned by exact key) or when the near searches run within
    /// each source (partitioned by source).
    /// </summary>
    public bool PartitionsDecide => options.Match == DedupMatch.Exact || options.Scope == DedupScope.Source;

    /// <summary>The partition of a sample among <paramref name="partitions"/>: by source when the near searches run within each source, else by exact key.</summary>
    private Func<KeyedSample, int> PartitionOf(int partitions)
    {
        if (options.Match == DedupMatch.Exact || options.Scope == DedupScope.Global) return keyed => KeyPartitions.OfExactKey(keyed.Key.Exact, partitions);
        var bySource = new Dictionary<string, int>(StringComparer.Ordinal);
        return keyed => bySource.TryGetValue(keyed.Source, out var partition) ? partition : bySource[keyed.Source] = KeyPartitions.OfSource(keyed.Source, partitions);
    }

    /// <summary>
    /// Sharded step 3: the decisions one process takes, written as clusters.jsonl into the stage's
    /// output and as the decisions for <see cref="Apply"/>: when <see cref="PartitionsDecide"/>, the
    /// reduce steps' removals merged in input order; otherwise every shard's keys decided group
    /// partition by group partition (<see cref="DecideByGroup"/>). Returns how many samples are
    /// removed, and the group partitions' count and largest size (none when the partitions decided);
    /// <paramref name="status"/> hears what it is doing. A relaunch decides again rather than trusting
    /// an earlier decisions file: it is quick next to the key pass, and the key files may have been
    /// made again since.
    /// </summary>
    public (int Removed, int GroupPartitions, long LargestGroupPartition) DecideFromKeys(string stageOutput, Action<string>? status = null)
    {
        var files = KeyShards.Complete(stageOutput, Parameters);
        using var clusters = new AtomicFile(Path.Combine(stageOutput, ClustersFile.FileName));
        var (removals, partitions, largest) = PartitionsDecide
            ? (ReducedPartitions.Removals(stageOutput, Parameters, files.Count, clusters.Stream), 0, 0L)
            : DecideByGroup(files, stageOutput, clusters.Stream, status ?? (_ => { }));
        clusters.Commit();
        RemovalDecisions.Write(RemovalDecisions.PathIn(stageOutput), DecisionsHeader(files.Count), removals);
        return (removals.Count, partitions, largest);
    }

    /// <summary>
    /// The decisions of a sharded near-duplicate search across sources: the reduce steps' exact edges
    /// and links joined into groups (every duplicate cluster lies in one), every sample's key filed
    /// under its group's partition, and each partition decided as one process decides, merged in
    /// input order.
    /// </summary>
    private (Dictionary<(string File, long Offset), (string Rule, string Reason)>, int Partitions, long Largest) DecideByGroup(List<string> files, string stageOutput, Stream clusters, Action<string> status)
    {
        var shardSamples = files.Select(f => KeyPartitions.ReadTable(KeyShards.Beside(f, KeyPartitions.FileName)).Samples).ToList();
        using var groups = new GroupPartitions(stageOutput, shardSamples.Sum(), options.DecidePartitionSize, options.Text.Permutations);
        FileByGroup(files, shardSamples, stageOutput, groups, status);
        for (var partition = 0; partition < groups.Count; partition++)
        {
            status($"{Stage}: deciding group partition {partition + 1} of {groups.Count}: {groups.SamplesIn(partition):N0} samples");
            DecideInto(groups.DecisionsFolder(partition), groups.SamplesIn(partition), groups.Read(partition));
        }
        status($"{Stage}: merging the partitions' removals in input order");
        var partitions = Enumerable.Range(0, groups.Count);
        return (ReducedPartitions.Merge(partitions.Select(groups.DecisionsFolder), clusters), groups.Count, partitions.Max(groups.SamplesIn));
    }

    /// <summary>
    /// Files every sample, with its signature when text is compared, under its group's partition.
    /// The shards' key files one after another are the input in order (each shard is a run of it).
    /// In a frame of its own, so the union-find (5 bytes a sample) is collectable before the
    /// partitions are decided.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FileByGroup(List<string> files, List<long> shardSamples, string stageOutput, GroupPartitions groups, Action<string> status)
    {
        var samples = checked((int)shardSamples.Sum());
        status($"{Stage}: joining the reduce steps' edges and links into groups");
        var sets = new UnionFind(samples);
        foreach (var (a, b) in ReducedPartitions.Pairs(stageOutput, Parameters, files.Count, samples)) sets.Union(a, b);
        using var signatures = options.ComparesText ? new ShardSignatures.Lookup(files, shardSamples, options.Text.Permutations) : null;
        var ordinal = 0;
        foreach (var keyed in files.SelectMany(file => KeyShardFile.Read(file, options.Text.Permutations)))
        {
            var signature = signatures is null ? null : ArrayPool<uint>.Shared.Rent(options.Text.Permutations);
            signatures?[ordinal].CopyTo(signature);
            groups.Add(groups.Of(sets.Find(ordinal)), ordinal, keyed with { Signature = signature });
            if (signature is not null) ArrayPool<uint>.Shared.Return(signature);
            if (++ordinal % (1 << 16) == 0) status($"{Stage}: filing the keys by group: {ordinal:N0} of {samples:N0} samples");
        }
        groups.Complete();
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
    /// Every decision taken on the <paramref name="expected"/> keys <paramref name="readKeys"/>
    /// hands over in input order: the removed samples in ordinal order, where they were read, with
    /// their rule and reason; clusters.jsonl written to <paramref name="clusters"/>. The keys are
    /// dropped when it returns, so the writing pass does not hold them.
    /// </summary>
    private List<DecidedRemoval> Decide(long expected, Action<Action<KeyedSample>> readKeys, Stream clusters)
    {
        var spill = options.SpillDirectory ?? Path.GetTempPath();
        using var ids = new IdSpill(spill);
        using var texts = options.ComparesText ? new MinHashLsh(options.Text, spill) : null;
        using var keys = new KeyColumns(spill, expected);
        readKeys(new KeyCollector(keys, ids, texts, options.Text.Permutations).Add);
        // exact edges before near ones, as DuplicateClusters explains a pair joined both ways by its exact edge
        var edges = ExactEdges(keys);
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
        ClustersFile.Write(clusters, removals, names);
        return removals.Select(r => new DecidedRemoval(r.Ordinal, keys.FileOf(r.Ordinal), keys.Member(r.Ordinal).Offset, r.Edge.Kind.RuleName(), ClustersFile.Reason(r, names))).ToList();
    }

    /// <summary>How many samples the input's manifests declare: the key columns' capacity.</summary>
    private static long Expected(IReadOnlyList<OpenedSource> sources) => sources.Sum(s => s.DatasetManifest?.Records ?? 0);

    /// <summary>The removals by where they were read, as the writing pass looks them up.</summary>
    private static Dictionary<(string File, long Offset), (string Rule, string Reason)> ByPlace(List<DecidedRemoval> removals) =>
        removals.ToDictionary(r => (r.File, r.Offset), r => (r.Rule, r.Reason));

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
