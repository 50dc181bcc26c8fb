using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>A shard killed with SIGKILL while writing: status sees it failed, a relaunch redoes it alone, and the merged result equals an uninterrupted run's.</summary>
public sealed class ShardCrashTests
{
    [Fact]
    public void A_killed_shard_shows_as_failed_and_its_relaunch_gives_the_same_bytes_as_an_uninterrupted_run()
    {
        using var dir = TestPaths.NewTempDir();
        // many records over a few real images: enough work that the kill lands mid-shard
        ManyRecords.Ingest(dir, 40_000, i => ($"Question {i}?", $"Answer {i}."));
        string[] Hash(string output, int shard) => ["hash", "in", "-o", output, "--workers", "1", "--shard", $"{shard}/2", "--shard-records", "1000"];
        foreach (var shard in new[] { 0, 1 }) Assert.True(CliRunner.Run(dir.Path, Hash("clean", shard)).ExitCode is 0 or 1);
        Assert.True(CliRunner.Run(dir.Path, "merge-shards", "clean").ExitCode is 0 or 1);

        Assert.True(CliRunner.Run(dir.Path, Hash("crashed", 1)).ExitCode is 0 or 1);
        using (var victim = CliRunner.Start(dir.Path, Hash("crashed", 0)))
        {
            var shards = dir.File(Path.Combine("crashed", "shards"));
            // kill once its first output shard file is on disk: records written, manifest not yet
            bool Writing() => Directory.Exists(shards) && Directory.GetDirectories(shards, "00000-of-00002.tmp-*")
                .Any(temp => Directory.GetFiles(temp, "part-00001*", SearchOption.AllDirectories).Length > 0);
            while (!Writing() && !victim.HasExited) Thread.Sleep(20);
            Assert.False(victim.HasExited, "the shard finished before it could be killed; give it more records");
            victim.Kill();
            victim.WaitForExit();
        }
        Assert.Equal(new ShardStatus(2, 1, 0, 1), ShardStatus.Of(dir.File("crashed")));
        Assert.Equal(2, CliRunner.Run(dir.Path, "merge-shards", "crashed").ExitCode);

        Assert.True(CliRunner.Run(dir.Path, Hash("crashed", 0)).ExitCode is 0 or 1);
        Assert.True(CliRunner.Run(dir.Path, "merge-shards", "crashed").ExitCode is 0 or 1);

        Assert.Equal(new ShardStatus(2, 2, 0, 0), ShardStatus.Of(dir.File("crashed")));
        Assert.Equal(File.ReadAllText(dir.File(Path.Combine("clean", "manifest.json"))), File.ReadAllText(dir.File(Path.Combine("crashed", "manifest.json"))));
        foreach (var file in Manifest.Load(dir.File("clean")).Shards)
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("clean"), file.File)), File.ReadAllBytes(Path.Combine(dir.File("crashed"), file.File)));
    }

    /// <summary>The two steps of a sharded hash before its records: the paths step reads the shard's records, the image step hashes the files it owns.</summary>
    [Theory]
    [InlineData("paths", 1)]
    [InlineData("paths", 2)]
    [InlineData("images", 3)]
    public void A_hash_step_killed_at_a_random_moment_is_relaunched_and_the_records_are_the_same_bytes(string phase, int seed)
    {
        using var dir = TestPaths.NewTempDir();
        ManyRecords.Ingest(dir, 40_000, i => ($"Question {i}?", $"Answer {i}."));
        string[] Hash(string output, int shard, params string[] more) => ["hash", "in", "-o", output, "--workers", "1", "--shard", $"{shard}/2", "--shard-records", "1000", .. more];
        var step = TimeSpan.Zero;
        void Finish(string output)
        {
            foreach (var shardPhase in new[] { "paths", "images" })
                foreach (var shard in new[] { 0, 1 })
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    Assert.True(CliRunner.Run(dir.Path, Hash(output, shard, "--phase", shardPhase)).ExitCode is 0 or 1);
                    if (shardPhase == phase && shard == 0 && step == TimeSpan.Zero) step = clock.Elapsed;
                }
            foreach (var shard in new[] { 0, 1 }) Assert.True(CliRunner.Run(dir.Path, Hash(output, shard)).ExitCode is 0 or 1);
            Assert.True(CliRunner.Run(dir.Path, "merge-shards", output).ExitCode is 0 or 1);
        }
        Finish("clean");

        // the kill lands at a seeded moment between 10% and 60% of the time the step took uninterrupted; a loaded
        // machine can run the victim faster than the clean run, so one that finishes first is redone with an earlier kill
        var fraction = 0.1 + 0.5 * new Random(seed).NextDouble();
        for (var attempt = 0; ; attempt++, fraction /= 2)
        {
            if (Directory.Exists(dir.File("crashed"))) Directory.Delete(dir.File("crashed"), recursive: true);
            if (phase == "images")
                foreach (var shard in new[] { 0, 1 }) Assert.True(CliRunner.Run(dir.Path, Hash("crashed", shard, "--phase", "paths")).ExitCode is 0 or 1);
            using var victim = CliRunner.Start(dir.Path, Hash("crashed", 0, "--phase", phase));
            Thread.Sleep(step * fraction);
            var killed = !victim.HasExited;
            if (killed) victim.Kill();
            victim.WaitForExit();
            if (killed) break;
            Assert.True(attempt < 4, $"the {phase} step always finished before it could be killed; give it more records");
        }
        Finish("crashed");

        Assert.Equal(File.ReadAllText(dir.File(Path.Combine("clean", "manifest.json"))), File.ReadAllText(dir.File(Path.Combine("crashed", "manifest.json"))));
        foreach (var file in Manifest.Load(dir.File("clean")).Shards)
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("clean"), file.File)), File.ReadAllBytes(Path.Combine(dir.File("crashed"), file.File)));
    }
}
