using System.Text.Json.Nodes;
using MMForge.Dedup.Text;
using MMForge.Formats;
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
public sealed class DedupJob(DedupOptions options)
{
    public const string Stage = "dedup";

    /// <summary>Runs both passes; <paramref name="progress"/> hears of the key pass (sources named "keys of ...") and then the writing pass.</summary>
    public Manifest Run(IReadOnlyList<OpenedSource> sources, DatasetOutput output, Action<JobProgress>? progress = null)
    {
        var removals = Decide(sources, output, progress);
        var job = new RecordJob(new JobOptions
        {
            Stage = Stage,
            Rules = Filters.RuleSet.Of(new DuplicateRemovalRule(removals)),
            Workers = options.Workers,
            Params = Params(),
        }, progress);
        return job.Run(sources, output);
    }

    /// <summary>
    /// The key pass and every decision taken on its keys: the removed samples by where they were
    /// read, with their rule and reason, and clusters.jsonl written. The keys are dropped when it
    /// returns, so the writing pass does not hold them.
    /// </summary>
    private Dictionary<(string File, long Offset), (string Rule, string Reason)> Decide(IReadOnlyList<OpenedSource> sources, DatasetOutput output, Action<JobProgress>? progress)
    {
        var spill = options.SpillDirectory ?? Path.GetTempPath();
        using var ids = new IdSpill(spill);
        using var texts = options.ComparesText ? new MinHashLsh(options.Text, spill) : null;
        KeyPassResult read;
        using (var keyPass = new KeyPass(options, ids, texts)) read = keyPass.Run(sources, progress);
        var edges = ExactDuplicates.Edges(read.Keys).ToList();
        var near = new NearDuplicates(read.Keys, options);
        edges.AddRange(options.Match switch
        {
            DedupMatch.Image => near.Images(),
            DedupMatch.Text => near.Texts(texts!),
            DedupMatch.ImageAndText => near.ImagesAndTexts(texts!),
            _ => [],
        });
        var removals = DuplicateClusters.Resolve(read.Keys, edges);

        var names = ids.Read(removals.SelectMany(r => new[] { r.Ordinal, r.DuplicateOf, r.Kept }).ToHashSet());
        using (var clusters = output.CreateFile(ClustersFile.FileName)) ClustersFile.Write(clusters, removals, names);
        return removals.ToDictionary(
            r => (read.FileOf(r.Ordinal), read.Keys[r.Ordinal].Offset),
            r => (r.Edge.Kind.RuleName(), ClustersFile.Reason(r, names)));
    }

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
