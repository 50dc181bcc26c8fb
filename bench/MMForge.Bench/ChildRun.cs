using System.Diagnostics;

namespace MMForge.Bench;

/// <summary>
/// A finished child process: wall time, CPU time (user + system), peak resident memory (VmHWM)
/// and the peak of its anonymous part (RssAnon as polled: memory the process owns, without the
/// page cache of files it has mapped, which the kernel can drop).
/// </summary>
public sealed record ChildRun(TimeSpan Elapsed, TimeSpan Cpu, long PeakRssBytes, int ExitCode, string Output)
{
    public long PeakAnonymousBytes { get; init; }

    /// <summary>
    /// <see cref="Cpu"/> plus the CPU time of the children it had started and waited for (mmforge run's stage
    /// processes), as of the last poll.
    /// </summary>
    public TimeSpan CpuWithChildren { get; init; }

    /// <summary>
    /// Runs a command, polling /proc/PID/status for VmHWM (the kernel's own high-water mark, so
    /// a peak between polls is not missed, only growth in the last poll interval).
    /// <paramref name="poll"/>, if given, is called with the process id at every poll.
    /// </summary>
    public static ChildRun Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, Action<int>? poll = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1"; // plain progress lines
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0, anonymous = 0;
        TimeSpan cpu = TimeSpan.Zero, cpuWithChildren = TimeSpan.Zero;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, ReadHighWaterMark(process.Id));
            anonymous = Math.Max(anonymous, ReadStatus(process.Id, "RssAnon:"));
            if (ReadCpuTimes(process.Id) is { } times) (cpu, cpuWithChildren) = times; // the last reading misses at most one poll interval
            poll?.Invoke(process.Id);
        }
        clock.Stop();
        return new ChildRun(clock.Elapsed, cpu, peak, process.ExitCode, stdout.Result + stderr.Result) { PeakAnonymousBytes = anonymous, CpuWithChildren = cpuWithChildren };
    }

    /// <summary>The process's own CPU time (<see cref="ReadCpuTimes"/>).</summary>
    public static TimeSpan? ReadCpuTime(int pid) => ReadCpuTimes(pid)?.Own;

    /// <summary>
    /// From one read of /proc/PID/stat (clock ticks of 1/100 s): utime + stime (fields 14 and 15),
    /// and that plus cutime + cstime (16 and 17: the children it has waited for).
    /// </summary>
    public static (TimeSpan Own, TimeSpan WithChildren)? ReadCpuTimes(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var ticks = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[11..15].Select(long.Parse).ToArray();
            var own = ticks[0] + ticks[1];
            return (TimeSpan.FromSeconds(own / 100.0), TimeSpan.FromSeconds((own + ticks[2] + ticks[3]) / 100.0));
        }
        catch (IOException) { return null; }
    }

    /// <summary>The peak resident memory of process <paramref name="pid"/> so far (0 once it has ended).</summary>
    public static long ReadHighWaterMark(int pid) => ReadStatus(pid, "VmHWM:");

    /// <summary>A memory figure (kB in the file) from /proc/PID/status, in bytes; 0 once the process has ended.</summary>
    private static long ReadStatus(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { } // the process ended between polls
        return 0;
    }
}
