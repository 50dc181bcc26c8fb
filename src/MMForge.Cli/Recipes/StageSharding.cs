namespace MMForge.Cli.Recipes;

/// <summary>
/// How many shard processes run a stage that takes --shard, and how many threads each gets.
/// <para>
/// On a cluster (<paramref name="OnCluster"/>) every such stage is <paramref name="Workers"/> shard
/// tasks of one thread: each task is its own share of the nodes. On one machine only hash runs as
/// shard processes by default: its work is decoding images, heavy enough per record that N
/// processes beat N threads (docs/benchmarks.md: 34.7 s against 37.7 s on 2 cores). Every other
/// stage runs as one process of N threads, which reads and writes once and merges nothing: two
/// shards of ingest, validate, dedup, tag, synthesize or select were 0.84-1.07x one process, two
/// threads 1.22-1.40x. <paramref name="LocalShards"/> (run's --shards) overrides that choice for
/// every stage, with the workers shared out among the shards.
/// </para>
/// <para>
/// Exports are sharded on a cluster only, and WebDataset never: on one disk each shard would copy
/// the images its records share with other shards, and WebDataset's tar numbering spans a part.
/// </para>
/// </summary>
/// <param name="Workers">run's --workers: cores locally, shard tasks on a cluster; null keeps the recipe's workers, one process a stage.</param>
internal sealed record StageSharding(int? Workers, int? LocalShards = null, bool OnCluster = false)
{
    /// <summary>Shard processes for a stage of <paramref name="kind"/> (1: one process, no merge).</summary>
    /// <param name="takesShard">Whether its command has --shard.</param>
    /// <param name="embedsImages">Whether it is an export to a format that packs the images (WebDataset).</param>
    public int ShardsOf(string kind, bool takesShard, bool embedsImages)
    {
        if (!takesShard || (kind == "export" && (embedsImages || !OnCluster))) return 1;
        if (OnCluster) return Workers ?? 1;
        return LocalShards ?? (kind == "hash" ? Workers ?? 1 : 1);
    }

    /// <summary>The --workers each process of a stage run as <paramref name="shards"/> processes gets; null: the recipe's.</summary>
    public int? ThreadsOf(int shards, int? recipeWorkers) =>
        Workers is { } cores ? Math.Max(1, cores / shards) : shards > 1 ? 1 : recipeWorkers;
}
