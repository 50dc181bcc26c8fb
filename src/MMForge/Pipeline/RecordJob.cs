using System.Text.Json.Nodes;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>Settings of one record-by-record run (ingest, validate, convert).</summary>
public sealed record JobOptions
{
    /// <summary>Stage name recorded in provenance, rejects and the manifest.</summary>
    public required string Stage { get; init; }
    public RuleSet? Rules { get; init; }
    public ulong Seed { get; init; }
    public int Workers { get; init; } = Environment.ProcessorCount;
    public int BatchSize { get; init; } = 512;
    public IReadOnlyList<PathMapping> PathMappings { get; init; } = [];

    /// <summary>Set when exporting: how image paths are written.</summary>
    public ImagePathExport? ExportPaths { get; init; }

    /// <summary>The stage's parameters as the manifest records them.</summary>
    public JsonObject Params { get; init; } = [];

    /// <summary>When set, only the records of this shard are processed (balance rules still observe them all).</summary>
    public ShardSpec? Shard { get; init; }
}

/// <summary>Progress of a run, reported after every batch.</summary>
public sealed record JobProgress(string Source, long Records, long Kept, long Rejected, long SourceBytesRead, long? SourceBytesTotal);

/// <summary>
/// Runs records from any number of sources through decoding, path checks and validation into
/// one output, in parallel but in input order, and builds the manifest: counts per source and
/// per rule, image roots, and this stage appended to the history of any dataset it read.
/// </summary>
public sealed class RecordJob(JobOptions options, Action<JobProgress>? progress = null)
{
    public const string SourceErrorRule = "source-unreadable";

    public Manifest Run(IEnumerable<OpenedSource> sources, IJobOutput output)
    {
        var manifest = new Manifest();
        var stage = new StageInfo { Name = options.Stage };
        var contexts = sources.Select(s => CreateContext(s, manifest, stage)).ToList();
        stage.Params = ParamsOf(options);
        // numbered before any shard is cut: a record's number in the whole input names it in every shard and every layout
        var items = contexts.SelectMany(c => Guarded(c).Select(raw => (Raw: raw, Context: c))).Select((item, number) => (item.Raw, item.Context, Number: (long)number));

        if (options.Rules?.Balance is { HasCounts: false } balance)
            OrderedParallel.Run(items, options.BatchSize, options.Workers, i => { RecordProcessor.Observe(i.Raw, i.Context, balance); return 0; }, _ => { });

        if (options.Shard is { } shard) items = ShardOf(items, contexts, shard);
        var processor = new RecordProcessor(options, output);
        var bySource = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var droppedByRule = new SortedDictionary<string, long>(StringComparer.Ordinal);

        void CountWritten(ProcessedRecord record)
        {
            record.Source.Info.Records++;
            stage.RecordsOut++;
            Increment(bySource, record.SampleSource ?? record.Source.Info.Name);
        }

        OrderedParallel.Run(items, options.BatchSize, options.Workers, i => processor.Process(i.Raw, i.Context, i.Number), batch =>
        {
            foreach (var record in batch)
            {
                stage.RecordsIn++;
                if (record.HasRejectLines) foreach (var line in record.RejectLines) output.WriteReject(line);
                if (record.HasDroppingRules) foreach (var rule in record.DroppingRules) Increment(droppedByRule, rule);
                if (record.Kept && Written(record, output))
                {
                    CountWritten(record);
                    foreach (var following in record.Following ?? [])
                    {
                        if (Written(following, output)) CountWritten(following);
                        else Increment(droppedByRule, following.RejectedBy!);
                    }
                }
                else
                {
                    record.Source.Info.Rejected++;
                    stage.Rejected++;
                    Increment(manifest.RejectsByRule, record.RejectedBy!);
                }
            }
            var last = batch[^1];
            progress?.Invoke(new JobProgress(last.Source.Info.Name, stage.RecordsIn, stage.RecordsOut, stage.Rejected,
                last.Location.Offset + Math.Max(0, last.Location.Length), last.Source.FileBytes));
        });

        foreach (var source in manifest.Sources)
            if (stage.Inputs.FirstOrDefault(i => i.Name == source.Name && i.File == source.File) is { } counted)
                (source.Records, source.Rejected) = (counted.Records, counted.Rejected);
        manifest.Records = stage.RecordsOut;
        manifest.Rejected = stage.Rejected;
        manifest.DroppedPairsByRule = droppedByRule;
        manifest.RecordsBySource = bySource;
        manifest.Stages.Add(stage);
        output.Complete(manifest);
        return manifest;
    }

    /// <summary>
    /// This shard's run of the input: cut by record count when every input is an mmforge dataset
    /// (their manifests count the records), else by where records lie in the input's bytes
    /// (ingest reads the users' files, which declare no count).
    /// </summary>
    private static IEnumerable<(RawRecord Raw, SourceContext Context, long Number)> ShardOf(IEnumerable<(RawRecord Raw, SourceContext Context, long Number)> items, List<SourceContext> contexts, ShardSpec shard)
    {
        var sources = contexts.Select(c => c.Source).ToList();
        if (sources.All(s => s.DatasetManifest is not null)) return shard.Take(items, sources);
        var positions = InputPositions.Of(sources);
        var number = contexts.Select((context, i) => (context, i)).ToDictionary(p => p.context, p => p.i);
        return shard.Take(items, positions.Total, item => positions.Of(number[item.Context], item.Raw.Location));
    }

    /// <summary>
    /// Writes a kept record. Some formats can only tell that a sample does not fit once earlier
    /// ones are written (a COCO image id seen twice); the writer then refuses it before writing
    /// anything of it, and the sample is rejected like any other.
    /// </summary>
    private bool Written(ProcessedRecord record, IJobOutput output)
    {
        try
        {
            output.Write(record);
            return true;
        }
        catch (RecordException e)
        {
            record.RejectedBy = e.Rule;
            output.WriteReject(RejectEntry.ForRecord(options.Stage, e.Rule, e.Message, record.Location, record.SampleSource, record.Sample, default));
            return false;
        }
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>
    /// Registers a source in the manifest: a dataset directory brings its sources, image roots
    /// and stage history; a file gets an image root named after the source.
    /// </summary>
    private SourceContext CreateContext(OpenedSource source, Manifest manifest, StageInfo stage)
    {
        var input = new InputInfo { Name = source.Name, File = source.File, Format = source.Codec.Name };
        stage.Inputs.Add(input);
        if (source.DatasetManifest is { } dataset)
        {
            foreach (var (name, dir) in dataset.ImageRoots) AddRoot(manifest, name, dir);
            manifest.Stages.AddRange(dataset.Stages);
            manifest.Sources.AddRange(dataset.Sources);
            return new SourceContext(source, input, null, dataset.ImageRoots);
        }
        var info = new SourceInfo
        {
            Name = source.Name, File = source.File, Format = source.Codec.Name, Container = source.Container,
            Info = source.Info.Count > 0 ? new SortedDictionary<string, string>(source.Info.ToDictionary(), StringComparer.Ordinal) : null,
        };
        ImagePathResolver resolver;
        if (source.ImageRoot is { } root)
        {
            var rootName = AddRoot(manifest, source.Name, Path.GetFullPath(root));
            info.ImageRoot = rootName;
            resolver = new ImagePathResolver(rootName, root, options.PathMappings);
        }
        else resolver = new ImagePathResolver(source.Name, null, options.PathMappings);
        manifest.Sources.Add(info);
        return new SourceContext(source, input, resolver, manifest.ImageRoots);
    }

    /// <summary>Adds an image root under a unique name (a second root for the same source name gets a suffix).</summary>
    private static string AddRoot(Manifest manifest, string name, string dir)
    {
        var unique = name;
        for (var n = 2; manifest.ImageRoots.TryGetValue(unique, out var existing) && existing != dir; n++) unique = $"{name}-{n}";
        manifest.ImageRoots[unique] = dir;
        return unique;
    }

    /// <summary>
    /// A source's records, with a failure to read the source itself turned into one failed record
    /// (it becomes one <see cref="SourceErrorRule"/> reject) instead of ending the run. Every pass
    /// over a source reads it through this, so all of them survive the same broken input.
    /// </summary>
    public static IEnumerable<RawRecord> Guarded(SourceContext context)
    {
        using var records = context.Source.Records.GetEnumerator();
        while (true)
        {
            RawRecord? next = null;
            string? failure = null;
            try
            {
                if (!records.MoveNext()) yield break;
                next = records.Current;
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidDataException)
            {
                failure = e.Message;
            }
            if (failure is not null)
            {
                yield return RawRecord.Failed(new RecordLocation(context.Source.File ?? context.Info.Name, null, 0, -1),
                    new RecordError(SourceErrorRule, $"source '{context.Info.Name}' could not be read: {failure}"));
                yield break;
            }
            yield return next!;
        }
    }

    /// <summary>The manifest of the dataset at <paramref name="dir"/> when a job with these options wrote it (a relaunched shard skips itself), else null.</summary>
    public static Manifest? CompletedBy(JobOptions options, string dir)
    {
        if (!DatasetDirectory.IsDataset(dir)) return null;
        var manifest = Manifest.Load(dir);
        return manifest.Stages.LastOrDefault()?.Params.ToJsonString() == ParamsOf(options).ToJsonString() ? manifest : null;
    }

    /// <summary>The parameters the manifest records for a job with these options (a relaunched shard compares them to its finished one).</summary>
    public static JsonObject ParamsOf(JobOptions options)
    {
        var p = (JsonObject)options.Params.DeepClone();
        if (options.Shard is { } shard) p["shard"] = shard.ToString();
        if (options.Rules is { } rules) p["rules"] = new JsonArray(rules.Active.Select(r => (JsonNode)JsonValue.Create(r.Name)!).ToArray());
        if (options.PathMappings.Count > 0)
            p["path_mappings"] = new JsonArray(options.PathMappings.Select(m => (JsonNode)JsonValue.Create($"{m.From}={m.To}")!).ToArray());
        return p;
    }
}
