using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Exports;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge export DIR --to FORMAT -o OUT</c>: a trainer-ready folder (records, the trainer's meta file, images) from a dataset or mix directory.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("dir") { Description = "An mmforge dataset directory, or a mix directory written by 'mmforge select' (mixes.json): every stage mix is exported." };
        var output = new Option<string>("--output", "-o") { Description = "The export folder; created, or replaced when it holds an earlier export (any other non-empty folder is refused).", Required = true };
        var to = new Option<string>("--to", "-t")
        {
            Description = "Trainer layout: " + string.Join("; ", TrainerFormat.All.Select(f => f.Description)) + ". Record image paths are relative to OUT in every layout.",
            Required = true,
        }.AcceptOnlyFromAmong(TrainerFormat.All.Select(f => f.Name).ToArray());
        var images = new Option<string>("--images")
        {
            Description = "How images reach the trainer: copy (into OUT/images/, one file per distinct content), hardlink (like copy but hard links; copied where a link cannot be made, said once), relative (the original files, by paths relative to OUT; nothing copied). Embedded images are always written to OUT/images/; webdataset puts every image inside its tars.",
            DefaultValueFactory = _ => "copy",
        }.AcceptOnlyFromAmong("copy", "hardlink", "relative");
        var name = new Option<string?>("--name")
        {
            Description = "Name of the exported dataset (file names and meta entries; default: the dataset folder's name). For a mix directory, a prefix: NAME-stage-1 ... (default: the stage names alone).",
        };
        var absolute = new Option<bool>("--absolute-meta-paths")
        {
            Description = "Write absolute paths into the meta files (LLaVA-OneVision json_path, InternVL root and annotation) instead of paths relative to OUT, so the trainer need not run from OUT. Default: relative.",
        };
        var captionPrompt = new Option<string?>("--caption-prompt")
        {
            Description = "Write caption-only samples (stage-1 alignment data) as one question and answer: one <image> per image, a newline and this text as the question, the caption as the answer (LLaVA's pretraining layout), e.g. \"Describe the image briefly.\". Default: caption-only samples are rejected as unwritable.",
        };
        var command = new Command("export", "Export a dataset or a selection's stage mixes for a trainer: LLaVA-OneVision, LLaMA-Factory, InternVL, Infinity-MM JSON or WebDataset. Samples the trainer cannot take go to OUT/rejects/ with the reason. See docs/exports.md.")
        {
            input, output, to, images, name, absolute, captionPrompt, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        command.SetAction(p =>
        {
            var options = new ExportOptions
            {
                Format = TrainerFormat.Find(p.GetValue(to)!),
                Images = Enum.Parse<ImageMode>(p.GetValue(images)!, ignoreCase: true),
                Name = p.GetValue(name),
                AbsoluteMetaPaths = p.GetValue(absolute),
                CaptionPrompt = p.GetValue(captionPrompt),
                Workers = p.GetValue(shared.Workers),
                MaxRecordBytes = p.GetValue(shared.MaxRecordBytes),
            };
            if (shared.ShardOf(p) is { } shard) return ExportShard(options, p.GetValue(input)!, p.GetValue(output)!, shard);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = new ProgressDisplay(ExportJob.Stage).Run(report => new ExportJob(options, report).Run(p.GetValue(input)!, p.GetValue(output)!));
            Print(result, clock.Elapsed);
            return result.Manifest.Rejected > 0 ? Program.Rejected : Program.Ok;
        });
        return command;
    }

    private static int ExportShard(ExportOptions options, string input, string output, MMForge.Pipeline.ShardSpec shard)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var info = new ProgressDisplay(ExportJob.Stage).Run(report => new ExportJob(options, report).RunShard(input, output, shard));
        var dir = shard.Directory(Path.GetFullPath(output));
        if (info is null)
        {
            Console.Out.WriteLine($"export: shard {shard} is already complete in {dir}; skipped");
            return Program.Ok;
        }
        Console.Out.WriteLine($"export: {info.Format} shard {shard}, {info.Parts.Sum(p => p.Records):N0} records written, {info.Parts.Sum(p => p.Rejected):N0} rejected in {clock.Elapsed.TotalSeconds:F1}s -> {dir}");
        Console.Out.WriteLine($"  'mmforge merge-shards {output}' writes the export once all {shard.Count} shards are complete");
        return info.Parts.Any(p => p.Rejected > 0) ? Program.Rejected : Program.Ok;
    }

    public static void Print(ExportResult result, TimeSpan elapsed)
    {
        var o = Console.Out;
        var m = result.Manifest;
        o.WriteLine($"export: {m.Format}, {m.Records:N0} records written, {m.Rejected:N0} rejected in {elapsed.TotalSeconds:F1}s -> {result.OutDir}");
        foreach (var part in m.Parts)
        {
            o.WriteLine($"  {part.RecordsFile}: {part.Records:N0} records" + (part.Rejected > 0 ? $", {part.Rejected:N0} rejected ({part.RejectsFile})" : ""));
            foreach (var (rule, n) in part.RejectedByRule) o.WriteLine($"    rejected by {rule}: {n:N0}");
        }
        foreach (var meta in m.MetaFiles) o.WriteLine($"  meta file: {meta}");
        var c = m.ImageCounts;
        o.WriteLine(m.Images switch
        {
            "relative" => $"  images: {c.Referenced:N0} referenced in place (paths relative to {result.OutDir}), {c.Copied:N0} embedded images written to images/",
            "embed" => $"  images: {c.Embedded:N0} written inside the tars",
            _ => $"  images: {c.Copied:N0} copied, {c.Linked:N0} hard-linked, {c.Deduplicated:N0} references served by a file already there",
        });
        if (result.LinkFallbackReason is { } why) Console.Error.WriteLine($"note: {c.LinkFallbacks:N0} images could not be hard-linked and were copied: {why}");
    }
}
