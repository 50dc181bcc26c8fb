namespace MMForge.Tagging.Vocabulary;

/// <summary>
/// The plural spellings of an English noun, used to index every tag under its plural too.
/// Generating plurals from the vocabulary's singulars, rather than stripping endings from the
/// text, never turns a word like "glass", "bus" or "grass" into something else: text is only
/// ever compared with spellings built from a tag. Where the rule is unsure (-o, -f) both
/// spellings are produced; a spelling that is not English simply never occurs in text.
/// </summary>
internal static class EnglishPlurals
{
    private static readonly Dictionary<string, string[]> Irregular = new(StringComparer.Ordinal)
    {
        ["person"] = ["people", "persons"],
        ["man"] = ["men"],
        ["woman"] = ["women"],
        ["child"] = ["children"],
        ["mouse"] = ["mice"],
        ["goose"] = ["geese"],
        ["tooth"] = ["teeth"],
        ["foot"] = ["feet"],
        ["ox"] = ["oxen"],
        ["louse"] = ["lice"],
        ["cactus"] = ["cacti", "cactuses"],
        ["fungus"] = ["fungi"],
        ["octopus"] = ["octopuses", "octopi"],
        ["die"] = ["dice"],
    };

    /// <summary>The plurals of one lower-case word (not including the word itself).</summary>
    public static IEnumerable<string> Of(string word)
    {
        if (Irregular.TryGetValue(word, out var irregular)) return irregular;
        if (word.Length < 2 || !char.IsAsciiLetterLower(word[^1])) return [];
        if (word.EndsWith("man", StringComparison.Ordinal)) return [word[..^3] + "men", word + "s"]; // fireman, snowman; human
        if (word.EndsWith('s') || word.EndsWith('x') || word.EndsWith('z') || word.EndsWith("ch", StringComparison.Ordinal) || word.EndsWith("sh", StringComparison.Ordinal))
            return [word + "es"];
        if (word.EndsWith('y') && !IsVowel(word[^2])) return [word[..^1] + "ies"];
        if (word.EndsWith('o')) return [word + "s", word + "es"];
        if (word.Length > 2 && word.EndsWith("fe", StringComparison.Ordinal) && word[^3] != 'f') return [word + "s", word[..^2] + "ves"];
        if (word.EndsWith('f') && word[^2] != 'f') return [word + "s", word[..^1] + "ves"];
        return [word + "s"];
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
}
