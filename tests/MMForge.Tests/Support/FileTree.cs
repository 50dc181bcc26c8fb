namespace MMForge.Tests.Support;

/// <summary>Every file under a folder with its bytes, keyed by relative path, for byte-for-byte comparisons of two outputs.</summary>
public static class FileTree
{
    public static SortedDictionary<string, byte[]> Read(string root) => new(
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes), StringComparer.Ordinal);

    /// <summary>Asserts both folders hold the same files with the same bytes, naming the first that differs.</summary>
    public static void AssertIdentical(string expectedRoot, string actualRoot, string what)
    {
        var expected = Read(expectedRoot);
        var actual = Read(actualRoot);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[file]), $"{file} differs {what}");
    }
}
