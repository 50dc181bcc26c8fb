using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Filters;
using MMForge.Media;
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
        var command = new Command("hash", "Fill sha256, pHash (equal to imagehash), width, height, format and visual tokens of every image, in parallel. Samples whose image is missing, undecodable or truncated, too large, too small or of extreme aspect go to rejects/ under the check they failed (image-missing, image-decode, image-too-many-pixels, image-too-small, image-aspect, max-visual-tokens).")
        {
            input, output, maxPixels, minSide, maxAspect, maxTokens, tokenModel, fast, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(input)!;
            var limits = new DecodeLimits { MaxPixels = p.GetValue(maxPixels), MinSide = p.GetValue(minSide), MaxAspect = p.GetValue(maxAspect) };
            IRule[] rules = p.GetValue(maxTokens) is { } limit
                ? [new ImageHashRule(limits, p.GetValue(fast)), new VisualTokenLimitRule(p.GetValue(tokenModel)!, limit)]
                : [new ImageHashRule(limits, p.GetValue(fast))];
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
            return JobRunner.RunToDataset(options, shared.OpenDataset(p, dir), p.GetValue(output)!, shared.Output(p));
        });
        return command;
    }
}
