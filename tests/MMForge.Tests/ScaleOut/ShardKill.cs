using System.Runtime.InteropServices;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>Kills a shard step at a seeded moment while it writes, and checks that the relaunched run gives the clean run's bytes (the global stages' crash tests).</summary>
internal static partial class ShardKill
{
    /// <summary>
    /// Runs <paramref name="prepare"/> (the steps before the one to kill, into an empty output), starts the step and kills
    /// it at a random moment once it writes shard 0's folder under <paramref name="folder"/> (whose first segment is the
    /// output), or, with <paramref name="whileExists"/>, once the folder exists (a step's scratch folder). A step that finishes its shard before its kill (seen with the process frozen) has not crashed, so the output
    /// is removed and the whole attempt made again with half the window: how long a step writes depends on how busy the
    /// machine is.
    /// </summary>
    public static void WhileWriting(TempDir dir, Random random, string[] command, string folder, Action? prepare = null, bool whileExists = false)
    {
        var output = dir.File(folder.Split('/', '\\')[0]);
        for (var windowMs = 300; ; windowMs /= 2)
        {
            prepare?.Invoke();
            if (KilledWhileWriting(dir, command, folder, whileExists, random.Next(0, windowMs))) return;
            Assert.True(windowMs > 10, "the step finished before it could be killed even 10 ms into writing; give it more records");
            Directory.Delete(output, recursive: true);
        }
    }

    private static bool KilledWhileWriting(TempDir dir, string[] command, string folder, bool whileExists, int delayMs)
    {
        using var victim = CliRunner.Start(dir.Path, command);
        bool Writing() => Directory.Exists(dir.File(folder)) && (whileExists || Directory.GetDirectories(dir.File(folder), "00000-of-00002.tmp-*").Length > 0);
        while (!Writing() && !victim.HasExited) Thread.Sleep(10);
        Thread.Sleep(delayMs);
        if (victim.HasExited) return false;
        // Frozen first, so it cannot finish between the look and the kill: a process still alive may
        // already have renamed its shard into place, and killing it then would crash nothing.
        SendSignal(victim.Id, SignalStop);
        var writing = Writing();
        victim.Kill();
        victim.WaitForExit();
        return writing;
    }

    private const int SignalStop = 19; // SIGSTOP on Linux

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);

    /// <summary>Asserts DIR/crashed holds the bytes of the uninterrupted run in DIR/<paramref name="clean"/>, then removes it for the next kill.</summary>
    public static void AssertSameAsClean(TempDir dir, string killedIn, string clean = "clean")
    {
        FileTree.AssertIdentical(dir.File(clean), dir.File("crashed"), $"after a kill during {killedIn}");
        Directory.Delete(dir.File("crashed"), recursive: true);
    }
}
