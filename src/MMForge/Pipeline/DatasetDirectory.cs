using MMForge.Formats;

namespace MMForge.Pipeline;

// Filled in next: reading and writing mmforge dataset directories.
public static class DatasetDirectory
{
    public static bool IsDataset(string path) => File.Exists(Path.Combine(path, "manifest.json"));
    public static OpenedSource Open(string path, SourceRequest request) => throw new NotImplementedException(path + request);
}
