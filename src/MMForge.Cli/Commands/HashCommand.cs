using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Filters;
using MMForge.Media;
using MMForge.Media.Shards;
using MMForge.Cli.Terminal;
using MMForge.Media.VisualTokens;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge hash DIR -o DIR</c>: open every image once and record its sha256, pHash, size and format.</summary>
internal static class HashCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory to write (may be the input itself).", Required = true };
        var maxPixels = new Option<long>("--max-pixels")
        {
            Description = "Images whose header declares more pixels are rejected before decoding (decompression bombs); default Pillow's limit, 178956970.",
            DefaultValueFactory = _ => DecodeLimits.PillowMaxPixels,
        };
        var minSide = new Option<int>("--min-side")
        {
            Description = "Images with a shorter side (pixels) are rejected as image-too-small, from the header. Default 10: only degenerate images (tracking pixels, rules, 1-pixel lines); raise it for caption data.",
            DefaultValueFactory = _ => 10,
        };
        var maxAspect = new Option<double>("--max-aspect")
        {
            Description = "Images whose long side is more than this many times the short side are rejected as image-aspect, from the header. Default 50: banners and separators; long receipts and page screenshots (up to ~1:30) stay.",
            DefaultValueFactory = _ => 50,
        };
        var maxTokens = new Option<int?>("--max-visual-tokens")
        {
            Description = "Reject samples whose images cost the --token-model more visual tokens (rule max-visual-tokens). Default: no limit; the counts are recorded either way.",
        };
        var tokenModel = new Option<string>("--token-model")
        {
            Description = "Model whose visual tokens --max-visual-tokens limits: llava-onevision (AnyRes-Max-9, 729 per view) or internvl (448px tiles, max 12, 256 per tile).",
            DefaultValueFactory = _ => VisualTokenBudget.LlavaOneVision,
        };
        tokenModel.AcceptOnlyFromAmong([.. VisualTokenBudget.Models]);
        var fast = new Option<bool>("--fast") { Description = "Decode JPEGs reduced (DCT scaling) for the pHash: several times faster, within a few bits of the exact value; sizes stay exact." };
        var phase = new Option<string?>("--phase")
        {
            Description = "Run one step of a sharded hash (what 'mmforge run --workers N' and the Slurm/Kubernetes executors do): "
                + "paths = with --shard I/N, list the image files of that shard's records under OUTPUT/keys/paths/, grouped by the shard that owns each file (by its path); "
                + "images = with --shard I/N, hash the files every shard listed for shard I, each once, into OUTPUT/keys/ "
                + "(records of different shards share image files, so splitting records alone would decode most files in every shard); "
                + "records = with --shard I/N, write that shard's records, taking each image's hash from the image shards when they made it "
                + "(the default), then 'mmforge merge-shards OUTPUT'.",
        };
        phase.AcceptOnlyFromAmong(PathsPhase, ImagesPhase, RecordsPhase);
        var command = new Command("hash", "Fill sha256, pHash (equal to imagehash), width, height, format and visual tokens of every image, in parallel. Samples whose image is missing, undecodable or truncated, too large, too small or of extreme aspect go to rejects/ under the check they failed (image-missing, image-decode, image-too-many-pixels, image-too-small, image-aspect, max-visual-tokens).")
        {
            input, output, maxPixels, minSide, maxAspect, maxTokens, tokenModel, fast, phase, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(phase) is not null && result.GetValue(shared.Shard) is null) result.AddError("--phase needs --shard INDEX/COUNT: the phases are the steps of a sharded hash");
        });
        command.SetAction(p =>
        {
            var dir = p.GetValue(input)!;
            var outputDir = p.GetValue(output)!;
            var limits = new DecodeLimits { MaxPixels = p.GetValue(maxPixels), MinSide = p.GetValue(minSide), MaxAspect = p.GetValue(maxAspect) };
            var imageParams = new JsonObject { ["max_pixels"] = limits.MaxPixels, ["min_side"] = limits.MinSide, ["max_aspect"] = limits.MaxAspect, ["fast"] = p.GetValue(fast) }.ToJsonString();
            if (p.GetValue(phase) == PathsPhase)
                return ListPaths(new ImagePathPass(p.GetValue(shared.Workers)), shared.OpenDataset(p, dir), shared.ShardOf(p)!.Value, outputDir);
            if (p.GetValue(phase) == ImagesPhase)
                return HashImages(new ImageHashPass(limits, p.GetValue(fast), p.GetValue(shared.Workers)), shared.ShardOf(p)!.Value, outputDir, imageParams);
            using var known = shared.ShardOf(p) is null ? null : KnownImageHashes.Open(outputDir, imageParams);
            var hashRule = new ImageHashRule(limits, p.GetValue(fast), known);
            IRule[] rules = p.GetValue(maxTokens) is { } limit
                ? [hashRule, new VisualTokenLimitRule(p.GetValue(tokenModel)!, limit)]
                : [hashRule];
            var options = new JobOptions
            {
                Stage = "hash",
                Rules = RuleSet.Of(rules),
                Workers = p.GetValue(shared.Workers),
                Shard = shared.ShardOf(p),
                Params = new JsonObject
                {
                    ["max_pixels"] = limits.MaxPixels, ["min_side"] = limits.MinSide, ["max_aspect"] = limits.MaxAspect, ["fast"] = p.GetValue(fast),
                    ["max_visual_tokens"] = p.GetValue(maxTokens), ["token_model"] = p.GetValue(tokenModel),
                },
            };
            return JobRunner.RunToDataset(options, shared.OpenDataset(p, dir), outputDir, shared.Output(p));
        });
        return command;
    }

    private const string PathsPhase = "paths", ImagesPhase = "images", RecordsPhase = "records";

    private static int ListPaths(ImagePathPass pass, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string outputDir) =>
        ShardPhase.RunStep("hash", $"image paths of shard {shard}", ImagePathLists.FolderOf(outputDir, shard), ImagePathLists.Written(outputDir, shard),
            report => pass.Run(sources, shard, outputDir, report), r => $"{r.Files:N0} files of {r.Records:N0} records listed");

    private static int HashImages(ImageHashPass pass, ShardSpec shard, string outputDir, string parameters) =>
        ShardPhase.RunStep("hash", $"images of shard {shard}", KnownImageHashes.FolderOf(outputDir, shard), ImageHashPass.Written(shard, outputDir, parameters),
            report => pass.Run(shard, outputDir, parameters, report), r => $"{r.Hashed:N0} of {r.Listed:N0} files hashed");
}
