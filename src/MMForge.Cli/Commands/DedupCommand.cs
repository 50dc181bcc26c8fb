using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Dedup;
using MMForge.Dedup.Text;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge dedup DIR -o DIR</c>: remove exact and near duplicates, explaining every removal.</summary>
internal static class DedupCommand
{
    private static readonly Dictionary<string, DedupMatch> Matches = new()
    {
        ["exact"] = DedupMatch.Exact, ["image+text"] = DedupMatch.ImageAndText, ["image"] = DedupMatch.Image, ["text"] = DedupMatch.Text,
    };

    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory (hashed with 'mmforge hash' unless --match is exact or text)." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory to write (may be the input itself).", Required = true };
        var match = new Option<string>("--match")
        {
            Description = "What makes two samples duplicates, besides exact copies (same pHash and conversations, always removed): "
                + "image+text = near-duplicate image AND near-duplicate text (instruction data, where one image has many questions); "
                + "image = near-duplicate image whatever the text (caption/alignment data); text = near-duplicate text whatever the image; exact = exact copies only.",
            DefaultValueFactory = _ => "image+text",
        };
        match.AcceptOnlyFromAmong([.. Matches.Keys]);
        var scope = new Option<string>("--scope")
        {
            Description = "global: duplicates across all sources; source: only within each source (as Infinity-MM did).",
            DefaultValueFactory = _ => "global",
        };
        scope.AcceptOnlyFromAmong("global", "source");
        var distance = new Option<int>("--max-distance", "-k")
        {
            Description = $"Largest pHash Hamming distance of near-duplicate images (0-16). Default {DedupOptions.DefaultMaxImageDistance}: re-encoded, resized, brightened and grey copies of the sample images stay within 6, the closest distinct images are 20 apart (docs/dedup.md).",
            DefaultValueFactory = _ => DedupOptions.DefaultMaxImageDistance,
        };
        distance.Require(k => k is >= 0 and <= 16, "--max-distance must be between 0 and 16");
        var defaults = new MinHashOptions();
        var threshold = new Option<double>("--text-threshold")
        {
            Description = $"Smallest estimated Jaccard similarity of near-duplicate text (character {defaults.ShingleSize}-grams of the normalized turns). Default {defaults.JaccardThreshold}, as Data-Juicer (docs/dedup-text.md).",
            DefaultValueFactory = _ => defaults.JaccardThreshold,
        };
        var permutations = new Option<int>("--permutations")
        {
            Description = $"MinHash permutations (a multiple of {MinHashOptions.PermutationMultiple}); default {defaults.Permutations}.",
            DefaultValueFactory = _ => defaults.Permutations,
        };
        var bands = new Option<int>("--bands")
        {
            Description = $"LSH bands (must divide --permutations); more bands find less similar candidates. Default {defaults.Bands} ({defaults.RowsPerBand} rows each).",
            DefaultValueFactory = _ => defaults.Bands,
        };
        var shingle = new Option<int>("--shingle-size")
        {
            Description = $"Characters per shingle; default {defaults.ShingleSize}.",
            DefaultValueFactory = _ => defaults.ShingleSize,
        };
        var spill = new Option<string?>("--spill-dir")
        {
            Description = "Directory for the temporary id and signature files (default: the system temp folder); they are deleted at the end.",
        };
        var partitionSize = new Option<int>("--decide-partition-size")
        {
            Description = "With --phase decide, for near matches across sources: about how many samples the step decides at once (groups of linked samples are never split). "
                + $"Sets the step's memory (about 60 bytes a sample), never its decisions. Default {DedupOptions.DefaultDecidePartitionSize}.",
            DefaultValueFactory = _ => DedupOptions.DefaultDecidePartitionSize,
        };
        partitionSize.Require(n => n >= 1, "--decide-partition-size must be at least 1");
        var command = new Command("dedup", "Remove duplicate samples: exact copies (Infinity-MM's rule), near-duplicate images (pHash distance) and near-duplicate text (MinHash LSH). "
            + "One sample per cluster is kept (lowest qw2vl_loss, then largest image, then first seen); every removed sample goes to rejects/ with the sample it duplicates, "
            + "and clusters.jsonl lists each removal with its kind and distance.")
        {
            input, output, match, scope, distance, threshold, permutations, bands, shingle, spill, partitionSize, shared.Shard, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes,
        };
        var phase = ShardPhase.Add(command, shared.Shard, "Run one step of a sharded dedup (what 'mmforge run --workers N' and the Slurm/Kubernetes executors do): "
            + "keys = with --shard I/N, write the keys of that shard's records to OUTPUT/keys/, also grouped into N partitions (by source with --scope source, else by exact key; "
            + "near matches across sources: each pHash also under its bit segments' partitions, each text under its LSH band buckets' partitions); "
            + "reduce = with --shard P/N, reduce partition P of every shard's keys: with --match exact or --scope source, where every cluster lies in one partition, take its decisions; "
            + "otherwise find its exact duplicates and link its near pHashes and the pairs of its band buckets the LSH verifies; decide = take the decisions one process would: "
            + "merge the partitions' (--match exact, --scope source), or decide the groups the links make, one partition of groups at a time (near matches across sources) "
            + "(writes OUTPUT/clusters.jsonl and OUTPUT/keys/decisions.jsonl); write = with --shard I/N, write that shard's records with the decisions "
            + "(the default when --shard is given), then 'mmforge merge-shards OUTPUT'. Without --phase and --shard: all in this process.", reduces: true);
        command.SetAction(p =>
        {
            var options = new DedupOptions
            {
                Match = Matches[p.GetValue(match)!],
                Scope = p.GetValue(scope) == "source" ? DedupScope.Source : DedupScope.Global,
                MaxImageDistance = p.GetValue(distance),
                Text = new MinHashOptions
                {
                    JaccardThreshold = p.GetValue(threshold), Permutations = p.GetValue(permutations),
                    Bands = p.GetValue(bands), ShingleSize = p.GetValue(shingle),
                },
                SpillDirectory = p.GetValue(spill),
                DecidePartitionSize = p.GetValue(partitionSize),
                Workers = p.GetValue(shared.Workers),
            };
            options.Text.Validate();
            var dir = p.GetValue(output)!;
            var sources = shared.OpenDataset(p, p.GetValue(input)!);
            var job = new DedupJob(options);
            return (p.GetValue(phase), shared.ShardOf(p)) switch
            {
                (ShardPhase.Keys, { } shard) => WriteKeys(job, sources, shard, dir),
                (ShardPhase.Reduce, { } partition) => Reduce(job, partition, dir),
                (ShardPhase.Decide, _) => Decide(job, dir),
                (_, { } shard) => WriteShard(job, sources, shard, dir, shared.Output(p)),
                _ => Write(dir, shared.Output(p), (writer, report) => job.Run(sources, writer, report)),
            };
        });
        return command;
    }

    private static int WriteKeys(DedupJob job, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string dir) =>
        ShardPhase.RunKeys(DedupJob.Stage, shard, dir, job.KeysWritten(shard, dir), report => job.WriteKeys(sources, shard, dir, report), "records read");

    private static int Reduce(DedupJob job, ShardSpec partition, string dir) =>
        ShardPhase.RunStep(DedupJob.Stage, $"keys of partition {partition}", dir, job.Reduced(partition, dir), _ => job.Reduce(partition, dir),
            found => job.PartitionsDecide ? $"{found.Found:N0} samples to remove"
                : $"{found.Found:N0} exact-duplicate edges, {found.Links:N0} links between possible near duplicates");

    private static int Decide(DedupJob job, string dir)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (removed, partitions, largest) = new ProgressDisplay(DedupJob.Stage).RunWithStatus(status => job.DecideFromKeys(dir, status));
        var how = job.PartitionsDecide ? "merged the reduced partitions' decisions"
            : $"decided on every shard's keys, one of {partitions:N0} partitions of linked groups at a time (the largest {largest:N0} samples)";
        Console.Out.WriteLine($"dedup: {how} in {clock.Elapsed.TotalSeconds:F1}s: {removed:N0} samples to remove; {Path.Combine(dir, ClustersFile.FileName)}");
        return Program.Ok;
    }

    private static int WriteShard(DedupJob job, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string dir, DatasetWriterOptions writer)
    {
        var shardDir = shard.Directory(dir);
        if (JobRunner.FinishedShard(job.WritingOptions(shard), shardDir) is { } done) return done;
        return Write(shardDir, writer, (output, report) => job.Apply(sources, output, shard, dir, report));
    }

    /// <summary>Runs a writing pass with progress and the summary; removing duplicates is the job done, so only other rejects (undecodable records) make it exit 1.</summary>
    private static int Write(string dir, DatasetWriterOptions options, Func<DatasetOutput, Action<JobProgress>, Manifest> run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var output = new DatasetOutput(dir, options);
        var manifest = new ProgressDisplay(DedupJob.Stage).Run(report => run(output, report));
        RunSummary.Print(DedupJob.Stage, manifest, dir, Path.Combine(dir, DatasetDirectory.RejectsFile), clock.Elapsed);
        return manifest.RejectsByRule.Keys.All(rule => rule.StartsWith("dedup-", StringComparison.Ordinal)) ? Program.Ok : Program.Rejected;
    }
}
