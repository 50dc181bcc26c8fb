using System.IO.Compression;
using MMForge.Tests.Support;

namespace MMForge.Tests.Cli;

/// <summary>
/// Commands whose first pass reads a dataset outside a record job (dedup's key pass, map fit,
/// inspect) survive a damaged shard as the record jobs do: one source-unreadable record,
/// not a crash.
/// </summary>
public sealed class BrokenSourceTests
{
    [Fact]
    public void A_damaged_gzipped_shard_is_one_unreadable_record_for_dedup_map_and_inspect()
    {
        using var dir = TestPaths.NewTempDir();
        var ingest = CliRunner.Run(dir.Path, "ingest", TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl"), "-o", "in", "--gzip", "--disable", "image-missing");
        Assert.Equal(0, ingest.ExitCode);
        var shard = Directory.EnumerateFiles(dir.File("in"), "*.jsonl.gz", SearchOption.AllDirectories).Single();
        // the first deflate block declared of the reserved type (after gzip's 10-byte header): the
        // inflater throws on it whatever the bytes around it, so the damage is the same on every run
        var bytes = File.ReadAllBytes(shard);
        bytes[10] = 0b111;
        File.WriteAllBytes(shard, bytes);

        var dedup = CliRunner.Run(dir.Path, "dedup", "in", "-o", "out", "--match", "text");
        Assert.True(dedup.ExitCode == 1, dedup.Stdout + dedup.Stderr);
        Assert.Contains("rejected by source-unreadable: 1", dedup.Stdout);

        var map = CliRunner.Run(dir.Path, "map", "fit", "in", "-o", "model.json");
        Assert.DoesNotContain("Unhandled exception", map.Stderr);
        Assert.Contains("source-unreadable", map.Stderr);

        var inspect = CliRunner.Run(dir.Path, "inspect", "in");
        Assert.DoesNotContain("Unhandled exception", inspect.Stderr);
        Assert.Contains("1 unreadable", inspect.Stdout);
    }
}
