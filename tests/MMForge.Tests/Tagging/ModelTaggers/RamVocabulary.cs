using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.ModelTaggers;

/// <summary>
/// A stand-in for the vocabulary resolver built elsewhere: the real RAM++ tag list, matched
/// ignoring case, answering with the tag as the list spells it.
/// </summary>
internal static class RamVocabulary
{
    private static readonly Lazy<Dictionary<string, string>> Tags = new(() =>
        File.ReadLines(Path.Combine(TestPaths.Shared, "vocab", "ram", "ram_tag_list.txt"))
            .Where(line => line.Length > 0)
            .ToDictionary(line => line, line => line, StringComparer.OrdinalIgnoreCase));

    public static string? Resolve(string word) => Tags.Value.GetValueOrDefault(word);
}
