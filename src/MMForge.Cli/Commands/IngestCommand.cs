using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Cli.Terminal;
using MMForge.Formats;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge ingest SRC... -o DIR</c>: any supported inputs into one validated dataset directory.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var sources = new Argument<string[]>("sources") { Description = "Input files (any supported format, gzip allowed), meta files, or dataset directories.", Arity = ArgumentArity.ZeroOrMore };
        var sourcesFile = new Option<string?>("--sources-file")
        {
            Description = "JSON list of inputs, each {\"path\", \"format\", \"source\", \"image_root\", \"base_dir\"} (all but path optional): for datasets that need different settings in one ingest (recipes write one).",
        };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory to write (replaced if it is an mmforge dataset).", Required = true };
        var source = new Option<string?>("--source") { Description = "Source name for records that do not carry one (default: the file name)." };
        var noValidate = new Option<bool>("--no-validate") { Description = "Only unify; skip the validation rules (path checks still apply)." };
        var command = new Command("ingest", "Read datasets in any supported format into one unified, validated mmforge dataset directory; bad records go to rejects/ with a reason.")
        {
            sources, sourcesFile, output, source, shared.Format, shared.ImageRoot, shared.BaseDir, shared.Map, noValidate, shared.Enable, shared.Disable,
            shared.Seed, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        command.SetAction(p =>
        {
            var listed = p.GetValue(sourcesFile) is { } file ? SourceListFile.Load(file, p.GetValue(shared.MaxRecordBytes)) : [];
            var requests = p.GetValue(sources)!.Select(s => shared.Request(p, s, p.GetValue(source))).Concat(listed).ToList();
            if (requests.Count == 0) throw new ArgumentException("name the inputs to read, or --sources-file FILE");
            var inputs = SharedOptions.Open(requests);
            var validate = !p.GetValue(noValidate);
            var options = new JobOptions
            {
                Stage = "ingest",
                Rules = validate ? shared.Rules(p) : null,
                Seed = p.GetValue(shared.Seed),
                Workers = p.GetValue(shared.Workers),
                PathMappings = shared.Mappings(p),
                Shard = shared.ShardOf(p),
                Params = new JsonObject { ["validate"] = validate, ["seed"] = p.GetValue(shared.Seed) },
            };
            var dir = p.GetValue(output)!;
            return JobRunner.RunToDataset(options, inputs, dir, shared.Output(p));
        });
        return command;
    }
}

/// <summary>Runs a job with progress and the closing summary; shared by the commands that write datasets or files.</summary>
internal static class JobRunner
{
    public static int RunToDataset(JobOptions options, IReadOnlyList<MMForge.Formats.OpenedSource> inputs, string dir, DatasetWriterOptions writer)
    {
        dir = options.Shard is { } shard ? shard.Directory(dir) : dir;
        if (FinishedShard(options, dir) is { } done) return done;
        using var output = new DatasetOutput(dir, writer);
        return Run(options, inputs, output, dir, Path.Combine(dir, DatasetDirectory.RejectsFile));
    }

    /// <summary>
    /// The exit code of a shard that a previous launch already finished with the same parameters
    /// (its manifest, written last, marks it complete), or null when it must run.
    /// </summary>
    public static int? FinishedShard(JobOptions options, string shardDir)
    {
        if (options.Shard is not { } shard || RecordJob.CompletedBy(options, shardDir) is not { } manifest) return null;
        Console.Out.WriteLine($"{options.Stage}: shard {shard} is already complete in {shardDir}; skipped");
        return RunSummary.ExitCode(manifest);
    }

    public static int Run(JobOptions options, IReadOnlyList<MMForge.Formats.OpenedSource> inputs, IJobOutput output, string outputName, string rejectsPath)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var manifest = new ProgressDisplay(options.Stage).Run(report => new RecordJob(options, report).Run(inputs, output));
        RunSummary.Print(options.Stage, manifest, outputName, rejectsPath, clock.Elapsed);
        return RunSummary.ExitCode(manifest);
    }
}
