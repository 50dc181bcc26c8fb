namespace MMForge.Tests.Support;

/// <summary>Locations of the repository and of the shared real sample data the tests read.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding mmforge.slnx).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>../shared/samples</c> beside the repository (override with MMFORGE_SHARED).</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("MMFORGE_SHARED") ?? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Samples => Path.Combine(Shared, "samples");

    public static string Sample(params string[] parts) => Path.Combine([Samples, .. parts]);

    /// <summary>A fresh empty directory under the system temp folder, deleted when disposed.</summary>
    public static TempDir NewTempDir() => new();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "mmforge.slnx"))) return dir.FullName;
        throw new InvalidOperationException("tests must run from inside the mmforge repository");
    }
}

public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mmforge-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
