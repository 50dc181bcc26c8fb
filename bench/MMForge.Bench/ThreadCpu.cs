namespace MMForge.Bench;

/// <summary>
/// CPU time (user + system) of a child process's threads, grouped by the part each plays in a
/// record job: its main thread (which writes, in input order), the <c>mmforge-reader</c>, the
/// <c>mmforge-worker-N</c> threads, and the runtime's own (GC, JIT, thread pool). Polled from
/// <c>/proc/PID/task/TID/stat</c>: a thread that ends between polls loses at most its last
/// interval. CPU time is what other jobs on a shared machine do not stretch, so where wall time
/// is noisy, the busiest single thread tells what bounds the run on idle cores.
/// </summary>
public sealed class ThreadCpu
{
    public const string Writer = "writer (main)", Reader = "reader", Workers = "workers", Runtime = "runtime";

    private readonly Dictionary<int, (string Role, double Seconds)> _threads = [];

    /// <summary>Reads the CPU time of every thread of <paramref name="pid"/> (called at every poll of <see cref="ChildRun.Start"/>).</summary>
    public void Poll(int pid)
    {
        IEnumerable<string> tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException) { return; } // the process has ended
        foreach (var task in tasks)
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread has ended
            var tid = int.Parse(Path.GetFileName(task));
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var seconds = (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
            _threads[tid] = (RoleOf(tid == pid, name), seconds);
        }
    }

    private static string RoleOf(bool main, string name) =>
        main ? Writer
        : name.StartsWith("mmforge-reader", StringComparison.Ordinal) ? Reader
        : name.StartsWith("mmforge-worker", StringComparison.Ordinal) ? Workers
        : Runtime;

    /// <summary>CPU-seconds by role (the workers summed over every worker thread seen).</summary>
    public IReadOnlyDictionary<string, double> ByRole() =>
        _threads.Values.GroupBy(t => t.Role).ToDictionary(g => g.Key, g => g.Sum(t => t.Seconds));
}
