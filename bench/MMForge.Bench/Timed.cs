using System.Diagnostics;

namespace MMForge.Bench;

/// <summary>
/// Wall and process CPU seconds of one run, measured in-process. CPU time is reported beside
/// wall time because other jobs share these 2 cores: they stretch wall time, not this process's CPU time.
/// </summary>
public readonly record struct Timed(double Wall, double Cpu)
{
    public static Timed Of(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new Timed(wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
