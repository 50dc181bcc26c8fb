using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>dedup killed with SIGKILL at points spread over its run: the relaunch finishes and writes exactly what an uninterrupted run writes.</summary>
public sealed class DedupCrashTests
{
    [Fact]
    public void A_dedup_killed_at_any_point_reruns_to_the_same_bytes()
    {
        using var dir = TestPaths.NewTempDir();
        // repeated questions on a few images: exact and near duplicates for every cluster kind
        ManyRecords.Ingest(dir, 30_000, i => ($"What is shown in picture number {i % 7_000}?", $"Picture {i % 7_000} shows item {i % 5_000}."));
        Assert.True(CliRunner.Run(dir.Path, "hash", "in", "-o", "hashed").ExitCode is 0 or 1);
        Assert.True(CliRunner.Run(dir.Path, "dedup", "hashed", "-o", "clean", "--workers", "1").ExitCode is 0 or 1);

        foreach (var delay in new[] { 150, 600, 1200 })
        {
            using (var victim = CliRunner.Start(dir.Path, "dedup", "hashed", "-o", "crashed", "--workers", "1"))
            {
                Thread.Sleep(delay);
                if (!victim.HasExited) victim.Kill();
                victim.WaitForExit();
            }
            var rerun = CliRunner.Run(dir.Path, "dedup", "hashed", "-o", "crashed", "--workers", "1");
            Assert.True(rerun.ExitCode is 0 or 1, rerun.Stdout + rerun.Stderr);
            FileTree.AssertIdentical(dir.File("clean"), dir.File("crashed"), $"after a kill at {delay} ms");
            Assert.Empty(Directory.GetDirectories(dir.Path, "crashed.tmp-*"));
            Directory.Delete(dir.File("crashed"), recursive: true);
        }
    }
}
