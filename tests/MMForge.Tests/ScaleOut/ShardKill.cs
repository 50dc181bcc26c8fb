using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>Kills a shard step at a seeded moment while it writes, and checks that the relaunched run gives the clean run's bytes (the global stages' crash tests).</summary>
internal static class ShardKill
{
    /// <summary>Starts the step and kills it at a random moment once it writes shard 0's folder under <paramref name="folder"/>.</summary>
    public static void WhileWriting(TempDir dir, Random random, string[] command, string folder)
    {
        using var victim = CliRunner.Start(dir.Path, command);
        bool Writing() => Directory.Exists(dir.File(folder)) && Directory.GetDirectories(dir.File(folder), "00000-of-00002.tmp-*").Length > 0;
        while (!Writing() && !victim.HasExited) Thread.Sleep(10);
        Thread.Sleep(random.Next(0, 300));
        Assert.False(victim.HasExited, "the step finished before it could be killed; give it more records");
        victim.Kill();
        victim.WaitForExit();
    }

    /// <summary>Asserts DIR/crashed holds DIR/clean's bytes, then removes it for the next kill.</summary>
    public static void AssertSameAsClean(TempDir dir, string killedIn)
    {
        FileTree.AssertIdentical(dir.File("clean"), dir.File("crashed"), $"after a kill during {killedIn}");
        Directory.Delete(dir.File("crashed"), recursive: true);
    }
}
