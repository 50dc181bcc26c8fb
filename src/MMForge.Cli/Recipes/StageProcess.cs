using System.Diagnostics;

namespace MMForge.Cli.Recipes;

/// <summary>What running one stage's command gave: its exit code, wall time and the process's peak resident memory.</summary>
internal sealed record StageResult(int ExitCode, TimeSpan Elapsed, long PeakMemoryBytes);

/// <summary>
/// Runs one stage's command as a child mmforge process in the recipe's folder (so the recipe's
/// relative paths mean what they say), its progress on our stderr and its summary in the stage's
/// log. A process per stage frees each stage's memory before the next and lets its peak be measured.
/// Given a progress label, the child prints its progress as plain lines led by it
/// (<see cref="Terminal.ProgressDisplay.LabelVariable"/>).
/// </summary>
internal static class StageProcess
{
    private static readonly TimeSpan MemoryPoll = TimeSpan.FromMilliseconds(100);

    public static StageResult Run(IReadOnlyList<string> args, string workingDirectory, string logFile, string? progressLabel = null)
    {
        var command = Command();
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, UseShellExecute = false };
        if (progressLabel is not null) start.Environment[Terminal.ProgressDisplay.LabelVariable] = progressLabel;
        foreach (var arg in command.Skip(1).Concat(args)) start.ArgumentList.Add(arg);
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var clock = Stopwatch.StartNew();
        using var log = new StreamWriter(logFile) { AutoFlush = true };
        log.WriteLine("mmforge " + string.Join(' ', args.Select(Quote)));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var copy = process.StandardOutput.BaseStream.CopyToAsync(log.BaseStream);
        long peak = 0;
        while (!process.WaitForExit(MemoryPoll)) peak = Math.Max(peak, PeakResident(process.Id));
        copy.Wait();
        return new StageResult(process.ExitCode, clock.Elapsed, peak);
    }

    /// <summary>
    /// How to start this mmforge again: started as 'dotnet MMForge.Cli.dll', the program and the
    /// assembly; an apphost is the command itself.
    /// </summary>
    public static IReadOnlyList<string> Command() => Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
        ? [Environment.ProcessPath!, typeof(Program).Assembly.Location]
        : [Environment.ProcessPath!];

    /// <summary>The kernel's high-water mark of the process's resident memory (VmHWM), 0 once it has gone.</summary>
    private static long PeakResident(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>An argument as a shell would need it, for the log's command line a user can paste.</summary>
    public static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:+,@%".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
