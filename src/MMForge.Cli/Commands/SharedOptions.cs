using System.CommandLine;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Cli.Commands;

/// <summary>Options that several commands share, declared once so their names and help read the same everywhere.</summary>
internal sealed class SharedOptions
{
    public readonly Option<string?> Format = new("--format", "-f")
    {
        Description = "Input format; detected from the content when omitted. See 'mmforge formats'.",
    };

    public readonly Option<string?> ImageRoot = new("--image-root")
    {
        Description = "Directory that image paths in the input are relative to (default: the input file's directory). Paths may not leave it.",
    };

    public readonly Option<string?> BaseDir = new("--base-dir")
    {
        Description = "Directory that relative paths inside meta files (InternVL meta, dataset_info.json) are resolved against (default: the current directory, as InternVL does).",
    };

    public readonly Option<string[]> Map = new("--map")
    {
        Description = "Rewrite an image path prefix written on another machine, FROM=TO (repeatable), e.g. --map ../../tests/ops/data/=images/",
    };

    public readonly Option<string[]> Enable = new("--enable")
    {
        Description = "Switch on an optional rule (repeatable): " + RuleNames(r => !r.OnByDefault),
    };

    public readonly Option<string[]> Disable = new("--disable")
    {
        Description = "Switch off a rule (repeatable): " + RuleNames(r => r.OnByDefault),
    };

    public readonly Option<ulong> Seed = new("--seed")
    {
        Description = "Seed for rules that drop at random (yes-no-balance); the same seed gives the same output.",
        DefaultValueFactory = _ => 0,
    };

    public readonly Option<int> Workers = new("--workers", "-j")
    {
        Description = "Worker threads for decoding and validation (default: the number of cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public readonly Option<long> MaxRecordBytes = new("--max-record-bytes")
    {
        Description = "Largest single record read; larger ones are rejected without being loaded (default 64 MiB).",
        DefaultValueFactory = _ => 64L << 20,
    };

    public readonly Option<bool> Gzip = new("--gzip")
    {
        Description = "Compress the dataset shards with gzip.",
    };

    public readonly Option<int> ShardRecords = new("--shard-records")
    {
        Description = "Records per output shard (default 100000).",
        DefaultValueFactory = _ => 100_000,
    };

    public readonly Option<string?> Shard = new("--shard")
    {
        Description = "Process only part INDEX/COUNT of the input (the INDEX-th of COUNT contiguous runs of its records in input order, cut by the record counts of the input manifests; for files in other formats, which declare no count, by where the records lie in the files' bytes) into OUTPUT/shards/INDEX-of-COUNT; "
            + "'mmforge merge-shards OUTPUT' joins the parts once all are done, in the order one process writes. A part already complete with the same parameters is skipped, so a relaunch redoes only what failed.",
    };

    public ShardSpec? ShardOf(ParseResult p) => p.GetValue(Shard) is { } text ? ShardSpec.Parse(text) : null;

    private static string RuleNames(Func<IRule, bool> which) => string.Join(", ", RuleSet.All().Where(which).Select(r => r.Name));

    public SourceRequest Request(ParseResult p, string path, string? sourceName = null) => new(path)
    {
        Format = p.GetValue(Format),
        SourceName = sourceName,
        ImageRoot = p.GetValue(ImageRoot),
        BaseDir = p.GetValue(BaseDir),
        MaxRecordBytes = p.GetValue(MaxRecordBytes),
    };

    public RuleSet Rules(ParseResult p) => new(p.GetValue(Enable), p.GetValue(Disable));

    public IReadOnlyList<PathMapping> Mappings(ParseResult p) => (p.GetValue(Map) ?? []).Select(PathMapping.Parse).ToList();

    public DatasetWriterOptions Output(ParseResult p) => new() { Gzip = p.GetValue(Gzip), ShardRecords = p.GetValue(ShardRecords) };

    /// <summary>Opens a dataset directory for a stage that reads one, with a hint when it is not one.</summary>
    public List<OpenedSource> OpenDataset(ParseResult p, string dir)
    {
        if (!DatasetDirectory.IsDataset(dir))
            throw new ArgumentException($"{dir} is not an mmforge dataset directory (no manifest.json); run 'mmforge ingest' first");
        return Open([Request(p, dir)]);
    }

    /// <summary>Opens every input now, so a missing file or an undetectable format stops the run before anything is written.</summary>
    public static List<OpenedSource> Open(IEnumerable<SourceRequest> requests) =>
        requests.SelectMany(r => new SourceOpener(FormatRegistry.Default).Open(r)).ToList();
}
