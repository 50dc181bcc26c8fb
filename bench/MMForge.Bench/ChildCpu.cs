namespace MMForge.Bench;

/// <summary>
/// CPU time (user + system) of each child a process starts, in the order they started, from
/// polling <c>/proc/PID/task/PID/children</c>. For a process that runs its work as child
/// processes one after another (mmforge run: one per stage), this is the CPU time of each
/// step, which other jobs on a shared machine do not stretch the way they stretch wall time.
/// A reading misses at most the child's last poll interval.
/// </summary>
public sealed class ChildCpu
{
    private readonly List<int> _order = [];
    private readonly Dictionary<int, TimeSpan> _cpu = [];
    private readonly System.Diagnostics.Stopwatch _sinceLast = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Reads the children's CPU times, at most every 100 ms (each poll reads a file per thread of the parent).</summary>
    public void Poll(int parentPid)
    {
        if (_order.Count > 0 && _sinceLast.ElapsedMilliseconds < 100) return;
        _sinceLast.Restart();
        var children = new List<string>();
        try
        {
            // a child belongs to the thread that started it
            foreach (var task in Directory.EnumerateDirectories($"/proc/{parentPid}/task"))
                children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        catch (IOException) { return; } // the parent, or one of its threads, has ended
        foreach (var field in children)
        {
            var pid = int.Parse(field);
            if (ChildRun.ReadCpuTime(pid) is not { } cpu) continue;
            if (_cpu.TryAdd(pid, cpu)) _order.Add(pid);
            else _cpu[pid] = cpu;
        }
    }

    /// <summary>The CPU time of every child seen, in the order they were first seen.</summary>
    public IReadOnlyList<TimeSpan> InStartOrder => _order.Select(pid => _cpu[pid]).ToList();
}
