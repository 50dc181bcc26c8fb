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
        TempPath = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(Path) + ".tmp-" + Environment.ProcessId);
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

    /// <summary>Writes a whole small file atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var file = new AtomicFile(path);
        using (var writer = new StreamWriter(file.Stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true))
            writer.Write(text);
        file.Commit();
    }
}
