using System.Globalization;

namespace MMForge.Synthesis.Annotations;

/// <summary>The bits of English grammar the generated questions and descriptions need for category names.</summary>
public static class EnglishNouns
{
    private static readonly string[] NumberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

    /// <summary>Irregular plurals of the last word of a name (COCO's "person", "mouse", "knife", "sheep").</summary>
    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["person"] = "people", ["man"] = "men", ["woman"] = "women", ["child"] = "children",
        ["mouse"] = "mice", ["knife"] = "knives", ["sheep"] = "sheep", ["fish"] = "fish", ["deer"] = "deer",
    };

    /// <summary>COCO names some categories in the plural already ("skis", "scissors"); "bus" and "glass" are singular.</summary>
    public static bool LooksPlural(string noun) =>
        noun.EndsWith('s') && !noun.EndsWith("ss", StringComparison.Ordinal) && !noun.EndsWith("us", StringComparison.Ordinal);

    /// <summary>The English plural ("people", "buses", "boxes", "ponies", "wine glasses"; "skis" stays "skis").</summary>
    public static string Plural(string noun)
    {
        var lastWord = noun[(noun.LastIndexOf(' ') + 1)..];
        return Irregular.TryGetValue(lastWord, out var plural) ? noun[..^lastWord.Length] + plural
            : LooksPlural(noun) ? noun
            : noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith("sh", StringComparison.Ordinal) || noun.EndsWith("ch", StringComparison.Ordinal) ? noun + "es"
            : noun.EndsWith('y') && noun.Length > 1 && !"aeiou".Contains(noun[^2]) ? noun[..^1] + "ies"
            : noun + "s";
    }

    public static string Article(string noun) => "aeiou".Contains(noun[0]) ? "an" : "a";

    /// <summary>Small numbers in words, as a description writes them; larger ones in digits.</summary>
    public static string Number(int n) => n >= 0 && n < NumberWords.Length ? NumberWords[n] : n.ToString(CultureInfo.InvariantCulture);
}
