namespace MMForge.Pipeline;

/// <summary>
/// An output directory written beside its target as <c>TARGET.tmp-PID</c> and moved into place
/// only when complete, so an interrupted run leaves the previous output intact and never a
/// half-written one. Dataset directories and exports are written this way.
/// </summary>
public static class DirectorySwap
{
    /// <summary>The temporary directory of this process for <paramref name="target"/>, emptied, after clearing what killed runs left.</summary>
    public static string PrepareTemp(string target)
    {
        var temp = target.TrimEnd('/') + ".tmp-" + Environment.ProcessId;
        RemoveAbandonedTemps(target);
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        return temp;
    }

    /// <summary>Moves the finished <paramref name="temp"/> to <paramref name="target"/>, replacing what was there.</summary>
    public static void Commit(string temp, string target)
    {
        if (Directory.Exists(target))
        {
            // move the old output aside first so the target is never seen half replaced
            var old = target.TrimEnd('/') + ".old-" + Environment.ProcessId;
            Directory.Move(target, old);
            Directory.Move(temp, target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(temp, target);
        }
    }

    /// <summary>Has <paramref name="fill"/> write the directory's files into its temporary directory, then moves it into place; on an exception the temporary directory is removed.</summary>
    public static T Write<T>(string target, Func<string, T> fill)
    {
        var temp = PrepareTemp(target);
        try
        {
            var result = fill(temp);
            Commit(temp, target);
            return result;
        }
        catch
        {
            Abandon(temp);
            throw;
        }
    }

    /// <summary>Deletes a temporary directory that will not be committed.</summary>
    public static void Abandon(string temp)
    {
        try { Directory.Delete(temp, recursive: true); } catch (IOException) { } // includes a folder already gone
    }

    /// <summary>
    /// Deletes the temporary directories that runs killed before completing left beside the
    /// target (named after their process, which no longer runs), so crashes do not pile up
    /// half-written copies; a temporary directory of a run still going is left alone.
    /// </summary>
    private static void RemoveAbandonedTemps(string target)
    {
        var parent = Path.GetDirectoryName(target.TrimEnd('/'));
        if (parent is null || !Directory.Exists(parent)) return;
        var prefix = Path.GetFileName(target.TrimEnd('/')) + ".tmp-";
        foreach (var dir in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)[prefix.Length..], out var pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { } // another run cleaning up at the same moment
        }
    }

    /// <summary>Whether the process that owns a temporary directory still runs (a killed one left it behind).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }
}
