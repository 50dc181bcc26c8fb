using System.Collections;
using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Pipeline;

namespace MMForge.Selection;

/// <summary>Settings of <c>mmforge select</c>.</summary>
public sealed record SelectOptions
{
    public BalanceOptions Balance { get; init; } = new();

    /// <summary>The stage mixes to cut; <see cref="MixSpec.Selected"/> alone when no mix file is given.</summary>
    public IReadOnlyList<MixSpec> Mixes { get; init; } = [MixSpec.Selected];

    public ulong Seed { get; init; }
    public int Workers { get; init; } = Environment.ProcessorCount;
    public DatasetWriterOptions Writer { get; init; } = new();
}

/// <summary>What a selection wrote: the mix directory's index, each mix's manifest, and what the user should hear of.</summary>
public sealed record SelectionResult(MixDirectory Mixes, IReadOnlyList<Manifest> Manifests, SelectionPool Pool, long ImagesWithoutSize, IReadOnlyList<string> Warnings);

/// <summary>What a selection decided on the keys: the pool, each mix's cut, and what the user should hear of.</summary>
public sealed record Decided(SelectionPool Pool, IReadOnlyList<CutMix> Cuts, long ImagesWithoutSize, IReadOnlyList<string> Warnings);

/// <summary>
/// <c>mmforge select</c>, a global stage in two passes like dedup: a key pass keeps a
/// <see cref="SelectionKey"/> per sample; the balanced selection and every mix's cut are decided
/// on the keys; then each mix is an ordinary <see cref="RecordJob"/> over the inputs, fed only the
/// records the mix takes, into its own dataset directory. <c>mixes.json</c> is written last.
/// Samples left out are counted by reason, not rejected: leaving them out is the job.
/// Sharded, the same passes run as steps on many machines (<see cref="ShardedSelection"/>).
/// </summary>
public sealed class SelectionJob(SelectOptions options)
{
    public const string Stage = "select";

    public SelectionResult Run(IReadOnlyList<OpenedSource> sources, string outDir, Action<JobProgress>? progress = null)
    {
        var keys = new SelectionKeys(sources.Count, options.Mixes.Count);
        foreach (var run in KeyPass().Run(sources, null, keys.Add, progress)) keys.Count(run);
        var decided = Decide(keys);
        keys = null; // the writing passes need only the masks

        var index = Prepare(outDir);
        var manifests = new List<Manifest>();
        foreach (var cut in decided.Cuts)
        {
            var dir = Path.Combine(outDir, cut.Spec.Name);
            using var output = new DatasetOutput(dir, options.Writer);
            var manifest = new RecordJob(WritingOptions(Params(cut, decided.ImagesWithoutSize)), progress)
                .Run(sources.Select((s, i) => s with { Records = Only(s.Records, cut.Take[i]) }).ToList(), output);
            manifests.Add(manifest);
            var info = Describe(cut);
            (info.Records, info.RecordsBySource) = (manifest.Records, manifest.RecordsBySource);
            index.Mixes.Add(info);
        }
        index.Save(outDir);
        return new SelectionResult(index, manifests, decided.Pool, decided.ImagesWithoutSize, decided.Warnings);
    }

    internal SelectionKeyPass KeyPass() => new(options.Balance, options.Mixes, options.Seed, options.Workers);

    /// <summary>Every decision taken on the keys: the balanced selection, then each mix's cut; a record that did not decode goes to the first mix, whose job rejects it with the reason.</summary>
    internal Decided Decide(SelectionKeys keys)
    {
        var pool = BalancedSelection.Run(keys, options.Balance);
        var cuts = options.Mixes.Select((spec, i) => MixCutter.Cut(keys, pool, spec, i, options.Seed)).ToList();
        foreach (var (input, ordinal) in keys.Undecoded) cuts[0].Take[input][ordinal] = true;
        return new Decided(pool, cuts, keys.ImagesWithoutSize, [.. pool.Warnings, .. cuts.SelectMany(c => c.Warnings)]);
    }

    /// <summary>A mix's entry in <c>mixes.json</c>, but for its record counts, which its written dataset gives.</summary>
    internal static MixInfo Describe(CutMix cut) => new()
    {
        Name = cut.Spec.Name, Dir = cut.Spec.Name, VisualTokens = cut.VisualTokens,
        MaxGrid = cut.Spec.LimitDeclared ? cut.Spec.Limit.MaxGrid : null,
        MaxViews = cut.Spec.LimitDeclared ? cut.Spec.Limit.MaxViews : null,
        MaxVisualTokens = cut.Spec.MaxVisualTokens,
        UnselectedByReason = cut.UnselectedByReason,
    };

    /// <summary>The options of a mix's writing pass, whose manifest records <paramref name="parameters"/>.</summary>
    internal JobOptions WritingOptions(JsonObject parameters) => new() { Stage = Stage, Workers = options.Workers, Seed = options.Seed, Params = parameters };

    /// <summary>What key files are made with and decisions made for: every option that shapes a key or a decision, per mix.</summary>
    internal string Parameters => new JsonArray(options.Mixes.Select(spec => (JsonNode)Params(spec)).ToArray()).ToJsonString();

    /// <summary>
    /// Makes <paramref name="outDir"/> ready: refuses a directory that holds something else, and
    /// in an earlier selection removes <c>mixes.json</c> first (an interrupted run must not look
    /// complete) and the mixes this run will not write again; of a sharded selection left
    /// unfinished, its keys and the shards of the mixes this run writes.
    /// </summary>
    private MixDirectory Prepare(string outDir)
    {
        SelectionFolder.Check(outDir);
        if (MixDirectory.IsMixDirectory(outDir))
        {
            var earlier = MixDirectory.Load(outDir);
            File.Delete(Path.Combine(outDir, MixDirectory.FileName));
            SelectionFolder.RemoveMixesOtherThan(outDir, earlier.Mixes.Select(m => m.Dir), options.Mixes.Select(m => m.Name));
        }
        if (Directory.Exists(SelectionFolder.Keys(outDir)))
        {
            Directory.Delete(SelectionFolder.Keys(outDir), recursive: true);
            foreach (var mix in options.Mixes)
                if (Directory.Exists(Path.Combine(outDir, mix.Name, ShardSpec.Folder))) Directory.Delete(Path.Combine(outDir, mix.Name, ShardSpec.Folder), recursive: true);
        }
        Directory.CreateDirectory(outDir);
        return new MixDirectory();
    }

    /// <summary>
    /// The input's records the mix takes, by ordinal, of the ordinals [<paramref name="first"/>,
    /// <paramref name="end"/>) (a shard's run); the others are released unread, and reading stops at the end.
    /// </summary>
    internal static IEnumerable<RawRecord> Only(IEnumerable<RawRecord> records, BitArray take, int first = 0, int end = int.MaxValue)
    {
        var ordinal = 0;
        foreach (var raw in records)
        {
            if (ordinal >= first && ordinal < take.Length && take[ordinal]) yield return raw;
            else raw.Release();
            if (++ordinal >= end) yield break;
        }
    }

    /// <summary>A mix's parameters as its manifest records them: its options, and what the cut counted.</summary>
    internal JsonObject Params(CutMix cut, long imagesWithoutSize)
    {
        var p = Params(cut.Spec);
        p["visual_tokens"] = cut.VisualTokens;
        p["images_without_size"] = imagesWithoutSize;
        p["unselected_by_reason"] = new JsonObject(cut.UnselectedByReason.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));
        return p;
    }

    private JsonObject Params(MixSpec spec)
    {
        var balance = options.Balance;
        return new JsonObject
        {
            ["mix"] = spec.Name,
            ["seed"] = options.Seed,
            ["max_grid"] = spec.Limit.MaxGrid,
            ["max_views"] = spec.Limit.MaxViews,
            ["max_visual_tokens"] = spec.MaxVisualTokens,
            ["sources"] = new JsonObject(spec.Sources.Select(s => KeyValuePair.Create(s.Source, (JsonNode?)s.Sampling.ToString()))),
            ["balance"] = balance.Selects
                ? new JsonObject
                {
                    ["by"] = balance.By.ToString(),
                    ["target"] = balance.Target.ToString(),
                    ["weights"] = balance.Target == TargetKind.Weights
                        ? new JsonObject(balance.Weights.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => KeyValuePair.Create(w.Key, (JsonNode?)w.Value)))
                        : null,
                    ["cap_per_group"] = balance.CapPerGroup,
                    ["max_records"] = balance.MaxRecords,
                    ["diversity"] = balance.Diversity,
                    ["yes_no_balance"] = balance.YesNoBalance,
                }
                : null,
        };
    }
}
