namespace MMForge.Formats.Writers;

/// <summary>
/// A file written under a temporary name and renamed into place on <see cref="Commit"/>, so a
/// crash or an error never leaves a half-written output that looks complete.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private bool _committed;

    public AtomicFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(dir);
        var prefix = "." + System.IO.Path.GetFileName(Path) + ".tmp-";
        RemoveAbandonedTemps(dir, prefix);
        TempPath = System.IO.Path.Combine(dir, prefix + Environment.ProcessId);
        Stream = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public string Path { get; }
    public string TempPath { get; }
    public FileStream Stream { get; }

    public void Commit()
    {
        Stream.Flush(flushToDisk: false);
        Stream.Dispose();
        File.Move(TempPath, Path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        Stream.Dispose();
        File.Delete(TempPath);
    }

    /// <summary>Deletes the temporary files of this path that killed processes left (named after their process, which no longer runs), so crashes do not pile them up.</summary>
    private static void RemoveAbandonedTemps(string dir, string prefix)
    {
        foreach (var file in Directory.EnumerateFiles(dir, prefix + "*"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(file)[prefix.Length..], out var pid) || pid == Environment.ProcessId || Pipeline.DirectorySwap.IsRunning(pid)) continue;
            try { File.Delete(file); }
            catch (IOException) { } // another process cleaning up at the same moment
        }
    }

    /// <summary>Writes <paramref name="files"/> one after another into <paramref name="path"/>, atomically (the joined rejects of shards).</summary>
    public static void Concatenate(string path, IEnumerable<string> files)
    {
        using var file = new AtomicFile(path);
        foreach (var part in files)
            using (var input = File.OpenRead(part)) input.CopyTo(file.Stream);
        file.Commit();
    }

    /// <summary>Writes a whole small file atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var file = new AtomicFile(path);
        using (var writer = new StreamWriter(file.Stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true))
            writer.Write(text);
        file.Commit();
    }
}
