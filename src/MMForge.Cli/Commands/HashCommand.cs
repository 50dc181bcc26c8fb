using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Filters;
using MMForge.Media;
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
        var fast = new Option<bool>("--fast") { Description = "Decode JPEGs reduced (DCT scaling) for the pHash: several times faster, within a few bits of the exact value; sizes stay exact." };
        var command = new Command("hash", "Fill sha256, pHash (equal to imagehash), width, height and format of every image, in parallel; samples whose image is missing or cannot be decoded go to rejects/ with the reason.")
        {
            input, output, maxPixels, fast, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes,
        };
        command.SetAction(p =>
        {
            var dir = p.GetValue(input)!;
            var limits = new DecodeLimits { MaxPixels = p.GetValue(maxPixels) };
            var options = new JobOptions
            {
                Stage = "hash",
                Rules = RuleSet.Of(new ImageHashRule(limits, p.GetValue(fast))),
                Workers = p.GetValue(shared.Workers),
                Params = new JsonObject { ["max_pixels"] = limits.MaxPixels, ["fast"] = p.GetValue(fast) },
            };
            return JobRunner.RunToDataset(options, shared.OpenDataset(p, dir), p.GetValue(output)!, shared.Output(p));
        });
        return command;
    }
}
