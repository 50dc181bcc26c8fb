using MMForge.Exports;
using MMForge.Exports.Shards;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Exports;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// export as shards (each writes its run of every part and stores the images its records show)
/// joined by merge-shards: the export one process writes, byte for byte, in every trainer layout
/// and image mode, whatever the shard count and the order the shards ran in; a shard killed while
/// writing is redone by its relaunch with the same bytes.
/// </summary>
public sealed class ShardedExportTests
{
    /// <summary>
    /// The data of <see cref="ParallelExportTests"/>: 6,000 samples cycling over eleven images of
    /// seven contents, so every shard stores images the others store too, under several names;
    /// some refused by the trainer, some showing a deleted image.
    /// </summary>
    [Theory]
    [InlineData("llava-onevision", ImageMode.Copy, 2)]
    [InlineData("llama-factory", ImageMode.Hardlink, 3)]
    [InlineData("internvl", ImageMode.Relative, 2)]
    [InlineData("infinity-mm", ImageMode.Copy, 3)]
    public void Shards_joined_are_the_one_process_export_byte_for_byte(string format, ImageMode images, int shards)
    {
        using var dir = TestPaths.NewTempDir();
        var (dataset, _) = ParallelExportTests.Build(dir);
        var options = new ExportOptions { Format = TrainerFormat.Find(format), Images = images, Workers = 2 };
        var one = new ExportJob(options).Run(dataset, dir.File("one"));
        for (var i = shards - 1; i >= 0; i--) Assert.NotNull(new ExportJob(options).RunShard(dataset, dir.File("sharded"), new ShardSpec(i, shards)));
        var merged = ExportShards.Merge(dir.File("sharded"));

        FileTree.AssertIdentical(dir.File("one"), dir.File("sharded"), $"joined from {shards} shards");
        Assert.Equal(one.Manifest.ToJson(), merged.Manifest.ToJson());
        Assert.True(merged.Manifest.Rejected > 0 && merged.Manifest.Records > 4_000, "the data has rejects and records in every shard");
        if (images != ImageMode.Relative) Assert.True(merged.Manifest.ImageCounts.Deduplicated > merged.Manifest.ImageCounts.Copied, "images are shared across shards");
        Assert.False(Directory.Exists(dir.File(Path.Combine("sharded", ShardSpec.Folder))), "the merge leaves no shards behind");
    }

    [Fact]
    public void A_selection_exported_in_shards_on_the_command_line_is_what_one_process_writes_and_a_finished_shard_is_skipped()
    {
        using var dir = TestPaths.NewTempDir();
        ParallelExportTests.Build(dir);
        File.WriteAllText(dir.File("mixes.yaml"), """
            mixes:
              - name: stage-1
                sources:
                  - source: "*"
                    sampling: random:50%
              - name: stage-2
                sources:
                  - source: "*"
            """);
        Assert.Equal(0, CliRunner.Run(dir.Path, "select", "ds", "-o", "mixes", "--mixes", "mixes.yaml", "--seed", "5").ExitCode);
        string[] Export(string output, params string[] more) => ["export", "mixes", "--to", "llama-factory", "-o", output, "--workers", "1", .. more];
        var one = CliRunner.Run(dir.Path, Export("one"));
        Assert.Equal(1, one.ExitCode); // rejects: the missing image

        var shard1 = CliRunner.Run(dir.Path, Export("sharded", "--shard", "1/2"));
        Assert.Equal(1, shard1.ExitCode);
        Assert.Contains("'mmforge merge-shards sharded' writes the export once all 2 shards are complete", shard1.Stdout);
        var early = CliRunner.Run(dir.Path, "merge-shards", "sharded");
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("0/2", early.Stderr);
        Assert.True(CliRunner.Run(dir.Path, Export("sharded", "--shard", "0/2")).ExitCode is 0 or 1);
        Assert.Contains("already complete", CliRunner.Run(dir.Path, Export("sharded", "--shard", "0/2")).Stdout);
        var merge = CliRunner.Run(dir.Path, "merge-shards", "sharded");

        Assert.Equal(1, merge.ExitCode);
        FileTree.AssertIdentical(dir.File("one"), dir.File("sharded"), "exported from two shards");
        Assert.Equal(2, ExportManifest.Load(dir.File("sharded")).Parts.Count);
        string Summary(string stdout) => string.Join('\n', stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)));
        Assert.Equal(Summary(one.Stdout), Summary(merge.Stdout));
    }

    [Fact]
    public void WebDataset_is_not_sharded_and_a_folder_of_other_files_hidden_ones_too_is_refused()
    {
        using var dir = TestPaths.NewTempDir();
        ParallelExportTests.Build(dir);
        var tars = CliRunner.Run(dir.Path, "export", "ds", "--to", "webdataset", "-o", "tars", "--shard", "0/2");
        Assert.Equal(2, tars.ExitCode);
        Assert.Contains("cannot be sharded", tars.Stderr);

        Directory.CreateDirectory(dir.File("mine"));
        File.WriteAllText(dir.File(Path.Combine("mine", "notes.txt")), "keep me");
        var stranger = CliRunner.Run(dir.Path, "export", "ds", "--to", "internvl", "-o", "mine", "--shard", "0/2");
        Assert.Equal(2, stranger.ExitCode);
        Assert.Contains("not empty and is not an mmforge export", stranger.Stderr);
        Assert.Equal("keep me", File.ReadAllText(dir.File(Path.Combine("mine", "notes.txt"))));
        Directory.CreateDirectory(dir.File("hidden"));
        File.WriteAllText(dir.File(Path.Combine("hidden", ".keep")), "mine too");
        Assert.Equal(2, CliRunner.Run(dir.Path, "export", "ds", "--to", "internvl", "-o", "hidden").ExitCode);
        Assert.True(File.Exists(dir.File(Path.Combine("hidden", ".keep"))), "a hidden file is not the export's to replace");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_export_shard_killed_while_writing_shows_as_failed_and_its_relaunch_gives_the_same_bytes(int seed)
    {
        using var dir = TestPaths.NewTempDir();
        // an export shard writes 20,000 such records in about 0.4 s; 60,000 leave a kill up to 300 ms into writing room to land mid-shard
        ManyRecords.Ingest(dir, 120_000, i => ($"Question {i}?", $"Answer {i}."));
        string[] Export(string output, int shard) => ["export", "in", "--to", "llava-onevision", "-o", output, "--workers", "1", "--shard", $"{shard}/2"];
        void Finish(string output, params int[] shards)
        {
            foreach (var shard in shards) Assert.True(CliRunner.Run(dir.Path, Export(output, shard)).ExitCode is 0 or 1);
            Assert.True(CliRunner.Run(dir.Path, "merge-shards", output).ExitCode is 0 or 1);
        }
        Finish("clean", 0, 1);

        ShardKill.WhileWriting(dir, new Random(seed), Export("crashed", 0), Path.Combine("crashed", ShardSpec.Folder),
            prepare: () => Assert.True(CliRunner.Run(dir.Path, Export("crashed", 1)).ExitCode is 0 or 1));
        Assert.Equal(new ShardStatus(2, 1, 0, 1), ShardStatus.Of(dir.File("crashed")));
        Assert.Equal(2, CliRunner.Run(dir.Path, "merge-shards", "crashed").ExitCode);
        Finish("crashed", 0);

        ShardKill.AssertSameAsClean(dir, "an export shard");
    }
}
