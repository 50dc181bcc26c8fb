using MMForge.Media.Shards;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// hash in two steps, through the real CLI on the example's real data: image shards hash each
/// file once (by path), record shards take the hashes from them, and the merged output is one
/// process's output.
/// </summary>
public sealed class ShardedHashTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir();

    public void Dispose() => _dir.Dispose();

    private string Validated() => ValidatedExample.In(_dir);

    private CliRunner.Result Hash(string input, string output, params string[] extra)
    {
        var result = CliRunner.Run(_dir.Path, ["hash", input, "-o", output, "--workers", "1", .. extra]);
        Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
        return result;
    }

    private void HashImages(string input, string output, int count, params string[] extra)
    {
        for (var i = 0; i < count; i++) Hash(input, output, "--phase", "paths", "--shard", $"{i}/{count}");
        for (var i = 0; i < count; i++) Hash(input, output, ["--phase", "images", "--shard", $"{i}/{count}", .. extra]);
    }

    private void HashRecordsAndMerge(string input, string output, int count)
    {
        for (var i = 0; i < count; i++) Hash(input, output, "--shard", $"{i}/{count}");
        var merge = CliRunner.Run(_dir.Path, "merge-shards", output);
        Assert.True(merge.ExitCode is 0 or 1, merge.Stdout + merge.Stderr);
    }

    /// <summary>The files the input's records name, resolved through its image roots.</summary>
    private static List<string> ImageFiles(string dataset)
    {
        var roots = Manifest.Load(dataset).ImageRoots;
        return [.. Ingest.Samples(dataset).SelectMany(s => s.Images).Where(i => i is { Path: not null, Root: not null })
            .Select(i => Path.Combine(roots[i.Root!], i.Path!)).Distinct().Where(File.Exists)];
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Image_shards_hash_each_file_once_and_the_merged_record_shards_are_one_process_output(int count)
    {
        var input = Validated();
        Hash(input, _dir.File("whole"));
        var sharded = _dir.File("sharded");

        HashImages(input, sharded, count);
        var tables = Enumerable.Range(0, count).Select(i => Path.Combine(sharded, "keys", new ShardSpec(i, count).Name, ImageHashFile.FileName)).ToList();
        Assert.All(tables, t => Assert.True(File.Exists(t), t));
        var files = ImageFiles(input);
        Assert.True(files.Count >= 10, $"the example names {files.Count} image files");
        // every readable file is in exactly one table: the one of the shard its path falls to
        foreach (var file in files)
        {
            var key = ImagePathKey.Of(file);
            var holders = tables.Where(t => { using var r = new ImageHashFile.Reader(t); return r.Find(key) is not null; }).ToList();
            Assert.Equal([tables[ImagePathKey.Owner(key, count)]], holders);
        }
        Assert.Contains("already complete", Hash(input, sharded, "--phase", "images", "--shard", $"0/{count}").Stdout);
        Assert.Contains("already complete", Hash(input, sharded, "--phase", "paths", "--shard", $"0/{count}").Stdout);

        HashRecordsAndMerge(input, sharded, count);

        DatasetLines.AssertSame(_dir.File("whole"), sharded);
        Assert.False(Directory.Exists(Path.Combine(sharded, "keys")), "the merge frees the image tables");
    }

    [Fact]
    public void Record_shards_take_a_file_hash_from_the_tables_only_while_its_size_and_time_are_unchanged()
    {
        var input = Validated();
        Hash(input, _dir.File("whole"));
        var sharded = _dir.File("sharded");
        HashImages(input, sharded, 2);

        // Between the steps one file gets other bytes of the same size and time (the table must be
        // what answers for it), another a different size (the table must not be trusted for it).
        var files = ImageFiles(input).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).ToList();
        var (sameSize, resized) = (files[0], files[1]);
        var time = File.GetLastWriteTimeUtc(sameSize);
        var bytes = File.ReadAllBytes(sameSize);
        Array.Reverse(bytes, bytes.Length / 2, 64);
        File.WriteAllBytes(sameSize, bytes);
        File.SetLastWriteTimeUtc(sameSize, time);
        File.WriteAllBytes(resized, File.ReadAllBytes(resized)[..^1]);

        HashRecordsAndMerge(input, sharded, 2);

        var whole = Ingest.Samples(_dir.File("whole")).SelectMany(s => s.Images).ToList();
        var merged = Ingest.Samples(sharded).SelectMany(s => s.Images).ToList();
        var roots = Manifest.Load(sharded).ImageRoots;
        string FileOf(MMForge.Records.ImageRef i) => Path.Combine(roots[i.Root!], i.Path!);
        Assert.Equal(whole.Where(i => FileOf(i) == sameSize).Select(i => i.Sha256), merged.Where(i => FileOf(i) == sameSize).Select(i => i.Sha256));
        Assert.Contains(merged, i => FileOf(i) == sameSize);
        var resizedSha = merged.Where(i => FileOf(i) == resized).Select(i => i.Sha256).Distinct().ToList();
        Assert.DoesNotContain(whole.First(i => FileOf(i) == resized).Sha256, resizedSha);
    }

    [Fact]
    public void Image_and_record_shards_refuse_missing_path_lists_image_tables_made_with_other_options_or_missing_a_shard()
    {
        var input = Validated();
        var sharded = _dir.File("sharded");
        Hash(input, sharded, "--phase", "paths", "--shard", "0/2");
        var unlisted = CliRunner.Run(_dir.Path, "hash", input, "-o", sharded, "--phase", "images", "--shard", "0/2");
        Assert.Equal(2, unlisted.ExitCode);
        Assert.Contains("1 of 2 image path shards are not complete: 1/2", unlisted.Stderr);
        Hash(input, sharded, "--phase", "paths", "--shard", "1/2");
        CliRunner.Run(_dir.Path, "hash", input, "-o", sharded, "--phase", "images", "--shard", "0/2");

        var missing = CliRunner.Run(_dir.Path, "hash", input, "-o", sharded, "--shard", "0/2");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("1 of 2 image hash shards are not complete: 1/2", missing.Stderr);

        CliRunner.Run(_dir.Path, "hash", input, "-o", sharded, "--phase", "images", "--shard", "1/2", "--fast");
        var other = CliRunner.Run(_dir.Path, "hash", input, "-o", sharded, "--shard", "1/2");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("made with other hash options", other.Stderr);

        var unsharded = CliRunner.Run(_dir.Path, "hash", input, "-o", _dir.File("x"), "--phase", "images");
        Assert.Equal(2, unsharded.ExitCode);
        Assert.Contains("--phase needs --shard", unsharded.Stderr);
    }
}
