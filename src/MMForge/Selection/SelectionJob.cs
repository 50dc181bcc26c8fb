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

/// <summary>
/// <c>mmforge select</c>, a global stage in two passes like dedup: a key pass keeps a
/// <see cref="SelectionKey"/> per sample; the balanced selection and every mix's cut are decided
/// on the keys; then each mix is an ordinary <see cref="RecordJob"/> over the inputs, fed only the
/// records the mix takes, into its own dataset directory. <c>mixes.json</c> is written last.
/// Samples left out are counted by reason, not rejected: leaving them out is the job.
/// </summary>
public sealed class SelectionJob(SelectOptions options)
{
    public const string Stage = "select";

    public SelectionResult Run(IReadOnlyList<OpenedSource> sources, string outDir, Action<JobProgress>? progress = null)
    {
        var keys = new SelectionKeyPass(options.Balance, options.Mixes, options.Seed, options.Workers).Run(sources, progress);
        var pool = BalancedSelection.Run(keys, options.Balance);
        var cuts = options.Mixes.Select((spec, i) => MixCutter.Cut(keys, pool, spec, i, options.Seed)).ToList();
        // a record that does not decode has no key: it goes to the first mix, whose job rejects it with the reason
        foreach (var (input, ordinal) in keys.Undecoded) cuts[0].Take[input][ordinal] = true;
        var imagesWithoutSize = keys.ImagesWithoutSize;
        keys = null; // the writing passes need only the masks

        var index = Prepare(outDir);
        var manifests = new List<Manifest>();
        foreach (var cut in cuts)
        {
            var dir = Path.Combine(outDir, cut.Spec.Name);
            using var output = new DatasetOutput(dir, options.Writer);
            var job = new RecordJob(new JobOptions { Stage = Stage, Workers = options.Workers, Seed = options.Seed, Params = Params(cut, imagesWithoutSize) }, progress);
            var manifest = job.Run(sources.Select((s, i) => s with { Records = Only(s.Records, cut.Take[i]) }).ToList(), output);
            manifests.Add(manifest);
            index.Mixes.Add(new MixInfo
            {
                Name = cut.Spec.Name, Dir = cut.Spec.Name, Records = manifest.Records, VisualTokens = cut.VisualTokens,
                MaxGrid = cut.Spec.LimitDeclared ? cut.Spec.Limit.MaxGrid : null,
                MaxViews = cut.Spec.LimitDeclared ? cut.Spec.Limit.MaxViews : null,
                MaxVisualTokens = cut.Spec.MaxVisualTokens,
                RecordsBySource = manifest.RecordsBySource,
                UnselectedByReason = cut.UnselectedByReason,
            });
        }
        index.Save(outDir);
        return new SelectionResult(index, manifests, pool, imagesWithoutSize, [.. pool.Warnings, .. cuts.SelectMany(c => c.Warnings)]);
    }

    /// <summary>
    /// Makes <paramref name="outDir"/> ready: refuses a directory that holds something else, and
    /// in an earlier selection removes <c>mixes.json</c> first (an interrupted run must not look
    /// complete) and the mixes this run will not write again.
    /// </summary>
    private MixDirectory Prepare(string outDir)
    {
        if (MixDirectory.IsMixDirectory(outDir))
        {
            var earlier = MixDirectory.Load(outDir);
            File.Delete(Path.Combine(outDir, MixDirectory.FileName));
            foreach (var mix in earlier.Mixes.Where(m => options.Mixes.All(s => s.Name != m.Name)))
                if (DatasetDirectory.IsDataset(MixDirectory.DatasetOf(outDir, mix))) Directory.Delete(MixDirectory.DatasetOf(outDir, mix), recursive: true);
        }
        else if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new ArgumentException($"{outDir} exists and is not a mix directory (no {MixDirectory.FileName}); choose an empty or new directory");
        Directory.CreateDirectory(outDir);
        return new MixDirectory();
    }

    /// <summary>The input's records the mix takes, by ordinal; the others are released unread.</summary>
    private static IEnumerable<RawRecord> Only(IEnumerable<RawRecord> records, BitArray take)
    {
        var ordinal = 0;
        foreach (var raw in records)
        {
            if (ordinal < take.Length && take[ordinal]) yield return raw;
            else raw.Release();
            ordinal++;
        }
    }

    private JsonObject Params(CutMix cut, long imagesWithoutSize)
    {
        var balance = options.Balance;
        return new JsonObject
        {
            ["mix"] = cut.Spec.Name,
            ["seed"] = options.Seed,
            ["max_grid"] = cut.Spec.Limit.MaxGrid,
            ["max_views"] = cut.Spec.Limit.MaxViews,
            ["max_visual_tokens"] = cut.Spec.MaxVisualTokens,
            ["sources"] = new JsonObject(cut.Spec.Sources.Select(s => KeyValuePair.Create(s.Source, (JsonNode?)s.Sampling.ToString()))),
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
            ["visual_tokens"] = cut.VisualTokens,
            ["images_without_size"] = imagesWithoutSize,
            ["unselected_by_reason"] = new JsonObject(cut.UnselectedByReason.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))),
        };
    }
}
