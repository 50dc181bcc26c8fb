using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Pipeline;

namespace MMForge.Exports;

/// <summary>Settings of one export.</summary>
public sealed record ExportOptions
{
    public required TrainerFormat Format { get; init; }
    public ImageMode Images { get; init; } = ImageMode.Copy;

    /// <summary>The part's name (dataset input), or the prefix of each mix's name (mix input).</summary>
    public string? Name { get; init; }

    /// <summary>Meta files name the records files and image root by absolute paths instead of paths relative to the export root.</summary>
    public bool AbsoluteMetaPaths { get; init; }

    /// <summary>When set, caption-only samples are written as this question and their caption as the answer (<see cref="CaptionDialogueRule"/>); otherwise they are rejected.</summary>
    public string? CaptionPrompt { get; init; }

    public int Workers { get; init; } = Environment.ProcessorCount;
    public long MaxRecordBytes { get; init; } = 64L << 20;
}

/// <summary>What an export wrote, and the hard-link fallback to report once (null when none happened).</summary>
public sealed record ExportResult(string OutDir, ExportManifest Manifest, string? LinkFallbackReason);

/// <summary>
/// Writes a trainer-ready folder from a dataset or mix directory: per part, the records file
/// through an ordinary <see cref="RecordJob"/> (streaming, in input order, rejects with reasons
/// under <c>rejects/</c>), images placed as the options say on the job's worker threads
/// (<see cref="ExportWriter"/>), then the trainer's meta files and
/// <c>export.json</c>. Everything is written into a temporary folder that replaces the target
/// only when complete.
/// </summary>
public sealed class ExportJob(ExportOptions options, Action<JobProgress>? progress = null)
{
    public const string Stage = "export";
    public const string RejectsFolder = "rejects";

    public ExportResult Run(string input, string outDir)
    {
        var (parts, target) = Resolve(input, outDir);
        var temp = DirectorySwap.PrepareTemp(target);
        try
        {
            var placer = new ImagePlacer(Mode, temp, target);
            var manifest = new ExportManifest { Format = options.Format.Name, Images = ModeName };
            foreach (var part in parts) manifest.Parts.Add(ExportPart(part, temp, placer, shard: null));
            manifest.ImageCounts = placer.Counts;
            Finish(options.Format, options.AbsoluteMetaPaths, manifest, temp, target);
            return new ExportResult(target, manifest, placer.LinkFallbackReason);
        }
        catch
        {
            DirectorySwap.Abandon(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="shard"/>'s run of every part into <c>OUT/shards/INDEX-of-COUNT</c>
    /// (records, rejects, the images it stores), for <see cref="Shards.ExportShards.Merge"/> to join
    /// into the one-process export; null when a previous launch already completed it with these options.
    /// </summary>
    public Shards.ExportShardInfo? RunShard(string input, string outDir, ShardSpec shard)
    {
        if (options.Format.EmbedsImages)
            throw new ArgumentException($"{options.Format.Name} exports cannot be sharded: its tars of {Formats.Containers.TarShardWriter.DefaultSamplesPerShard:N0} samples are numbered across the whole part; export it as one process");
        var (parts, target) = Resolve(input, outDir);
        var info = new Shards.ExportShardInfo
        {
            Format = options.Format.Name, Images = ModeName, AbsoluteMetaPaths = options.AbsoluteMetaPaths,
            Parameters = new JsonObject
            {
                ["parts"] = new JsonArray([.. parts.Select(p => JsonValue.Create($"{p.Name} {Path.GetFullPath(p.DatasetDir)}"))]),
                ["caption_prompt"] = options.CaptionPrompt,
                ["shards"] = shard.Count,
            }.ToJsonString(),
        };
        var dir = shard.Directory(target);
        if (Shards.ExportShards.IsCompleteWith(dir, info)) return null;
        return DirectorySwap.Write(dir, temp =>
        {
            var placer = new ImagePlacer(Mode, temp, target);
            foreach (var part in parts) info.Parts.Add(ExportPart(part, temp, placer, shard));
            info.ImageCounts = placer.Counts;
            info.LinkFallbackReason = placer.LinkFallbackReason;
            Shards.ExportShards.WriteShard(temp, info, placer.StoredImages);
            return info;
        });
    }

    private ImageMode Mode => options.Format.EmbedsImages ? ImageMode.Embed : options.Images;

    private string ModeName => Mode.ToString().ToLowerInvariant();

    /// <summary>The parts to export and the full path of the target, checked: the target may be replaced, and no input lies inside it.</summary>
    private (IReadOnlyList<ExportInput> Parts, string Target) Resolve(string input, string outDir)
    {
        var parts = ExportInput.Resolve(input, options.Name);
        var target = Path.GetFullPath(outDir);
        CheckTarget(target);
        if (parts.Select(p => Path.GetFullPath(p.DatasetDir)).FirstOrDefault(d => d == target || d.StartsWith(target + "/", StringComparison.Ordinal)) is { } inside)
            throw new ArgumentException($"the input {inside} is inside the output folder {target}, which the export replaces; export somewhere else");
        return (parts, target);
    }

    /// <summary>
    /// Writes the trainer's meta files and <c>export.json</c> (last) into <paramref name="temp"/>,
    /// which then replaces <paramref name="target"/>: what a one-process export and the merge of a
    /// sharded one both end with.
    /// </summary>
    internal static void Finish(TrainerFormat format, bool absoluteMetaPaths, ExportManifest manifest, string temp, string target)
    {
        var exported = manifest.Parts.Select(p => new ExportedPart(p.Name, p.RecordsFile, p.Records)).ToList();
        Func<string, string> metaPath = absoluteMetaPaths ? relative => Path.GetFullPath(Path.Combine(target, relative)) : relative => relative;
        foreach (var meta in format.MetaFiles(exported, metaPath))
        {
            AtomicFile.WriteAllText(Path.Combine(temp, meta.File), meta.Text);
            manifest.MetaFiles.Add(meta.File);
        }
        AtomicFile.WriteAllText(Path.Combine(temp, ExportManifest.FileName), manifest.ToJson());
        DirectorySwap.Commit(temp, target);
    }

    private ExportedPartInfo ExportPart(ExportInput part, string temp, ImagePlacer placer, ShardSpec? shard)
    {
        var source = DatasetDirectory.Open(part.DatasetDir, new SourceRequest(part.DatasetDir) { MaxRecordBytes = options.MaxRecordBytes });
        var recordsFile = options.Format.RecordsFile(part.Name);
        var recordsPath = Path.Combine(temp, recordsFile);
        var rejectsFile = $"{RejectsFolder}/{part.Name}.jsonl";
        var job = new JobOptions
        {
            Stage = Stage,
            Workers = options.Workers,
            Shard = shard,
            Rules = options.CaptionPrompt is { } prompt ? Filters.RuleSet.Of(new CaptionDialogueRule(prompt)) : null,
            // resolved under the dataset's roots (nothing leaves them), made absolute for the placer
            ExportPaths = new ImagePathExport(ImagePathStyle.Absolute, recordsPath),
            Params = new JsonObject { ["to"] = options.Format.Name, ["images"] = placer.Mode.ToString().ToLowerInvariant(), ["name"] = part.Name },
        };
        var writer = new ExportWriter(options.Format.OpenWriter(recordsPath), options.Format, placer);
        using var output = new FileOutput(recordsPath, writer, Path.Combine(temp, rejectsFile));
        var manifest = new RecordJob(job, progress).Run([source], output);
        return new ExportedPartInfo
        {
            Name = part.Name,
            Input = part.DatasetDir,
            RecordsFile = recordsFile,
            Records = manifest.Records,
            Rejected = manifest.Rejected,
            RejectsFile = manifest.Rejected > 0 ? rejectsFile : null,
            RejectedByRule = manifest.RejectsByRule,
        };
    }

    /// <summary>
    /// Refuses to replace a folder that holds something other than an earlier export, the shards of
    /// a sharded export under way, or the executor's mark beside them: the export replaces the
    /// whole folder, so anything else in it (a user's hidden files too) would be lost.
    /// </summary>
    private static void CheckTarget(string dir)
    {
        if (File.Exists(dir)) throw new ArgumentException($"output {dir} is a file, not a directory");
        if (!Directory.Exists(dir) || ExportManifest.IsExport(dir)) return;
        if (Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Any(name => name is not (ShardSpec.Folder or ShardSpec.FingerprintFile)))
            throw new ArgumentException($"output directory {dir} is not empty and is not an mmforge export; refusing to replace it");
    }
}
