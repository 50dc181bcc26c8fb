using System.Globalization;
using System.Text.RegularExpressions;

namespace MMForge.Tagging.Vocabulary;

/// <summary>
/// The RAM++ tag vocabulary (METHOD.md section 9): 4,585 tags with English and Chinese names and
/// per-tag thresholds, read from three parallel lists, plus the matching of free text onto the
/// tags. A phrase names a tag when, lower-cased and with punctuation ignored, it is the tag's
/// English name, its plural, its Chinese name, or a curated synonym (<see cref="TagSynonyms"/>).
/// Immutable once built, so one instance serves every thread.
/// </summary>
public sealed partial class RamVocabulary
{
    public const string EnglishFile = "ram_tag_list.txt";
    public const string ChineseFile = "ram_tag_list_chinese.txt";
    public const string ThresholdFile = "ram_tag_list_threshold.txt";

    private static readonly Lazy<RamVocabulary> Embedded = new(LoadEmbedded);

    private readonly RamTag[] tags;
    private readonly Dictionary<string, RamTag> byName;
    private readonly PhraseIndex<RamTag> phrases = new();

    private RamVocabulary(RamTag[] tags, string origin)
    {
        this.tags = tags;
        byName = new Dictionary<string, RamTag>(tags.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags)
            if (!byName.TryAdd(tag.Name, tag))
                throw new InvalidDataException($"RAM++ vocabulary {origin}: {EnglishFile} line {tag.Index + 1}: \"{tag.Name}\" is listed twice");
        IndexPhrases();
    }

    /// <summary>The vocabulary shipped inside mmforge (the official RAM++ lists, Apache-2.0).</summary>
    public static RamVocabulary Default => Embedded.Value;

    /// <summary>Reads the three lists from <paramref name="directory"/> (a RAM++ checkout's <c>ram/data</c> or a copy).</summary>
    public static RamVocabulary Load(string directory)
    {
        string[] Lines(string file) => File.ReadAllLines(Path.Combine(directory, file));
        return Parse(Lines(EnglishFile), Lines(ChineseFile), Lines(ThresholdFile), directory);
    }

    /// <summary>The tags in list order: <c>Tags[i].Index == i</c>.</summary>
    public IReadOnlyList<RamTag> Tags => tags;

    public int Count => tags.Length;

    /// <summary>The tag with this exact English name (case-insensitive), or null. No normalization: see <see cref="Resolve(ReadOnlySpan{char})"/>.</summary>
    public RamTag? Get(string name) => byName.GetValueOrDefault(name);

    /// <summary>
    /// The tag a whole phrase names ("Traffic lights", "cell phone", "红绿灯"), or null when the
    /// phrase is not a tag, a plural of one, a Chinese name or a synonym.
    /// </summary>
    public RamTag? Resolve(ReadOnlySpan<char> phrase) => phrases.Exact(phrase);

    /// <summary>The distinct tags mentioned in <paramref name="text"/>, in order of first mention.</summary>
    public IReadOnlyList<RamTag> Find(ReadOnlySpan<char> text)
    {
        var mentions = new List<RamTag>();
        FindMentions(text, mentions);
        return mentions.Distinct().ToList();
    }

    /// <summary>
    /// Appends every tag mention in <paramref name="text"/> to <paramref name="mentions"/>, in order
    /// (a tag mentioned twice is appended twice). The longest phrase wins at each position, so
    /// "hot dog stand" gives "hot dog", not "hot" and "dog". Allocates nothing beyond list growth.
    /// </summary>
    public void FindMentions(ReadOnlySpan<char> text, List<RamTag> mentions) => phrases.Search(text, mentions);

    /// <summary>
    /// Keys in order of trust, the first spelling of a key wins: English names, then synonyms
    /// (which must not shadow a name), then Chinese names (a name shared by several tags means
    /// the first in list order), then plurals, which never displace a spelling above.
    /// </summary>
    private void IndexPhrases()
    {
        var english = tags.Select(t => (Words: PhraseTokenizer.Words(t.Name), Tag: t)).ToList();
        foreach (var (words, tag) in english) phrases.TryAdd(words, tag);
        var synonyms = TagSynonyms.All.Select(s => (Words: PhraseTokenizer.Words(s.Phrase), Tag: SynonymTarget(s))).ToList();
        foreach (var (words, tag) in synonyms)
            if (!phrases.TryAdd(words, tag))
                throw new InvalidOperationException($"synonym \"{string.Join(' ', words)}\" is already a RAM++ tag or listed twice");
        foreach (var tag in tags)
        foreach (var alternative in ChineseAlternatives(tag.ChineseName))
            phrases.TryAdd(PhraseTokenizer.Words(alternative), tag);
        foreach (var (words, tag) in english.Concat(synonyms))
        foreach (var plural in EnglishPlurals.Of(words[^1]))
            phrases.TryAdd([.. words[..^1], plural], tag);
    }

    /// <summary>
    /// The Chinese list gives alternatives for ambiguous English names ("桌子/表格" for "table") and
    /// sometimes a qualifier in parentheses ("（花草的）茎"): each alternative, without the qualifier, names the tag.
    /// </summary>
    private static IEnumerable<string> ChineseAlternatives(string name) =>
        Qualifier().Replace(name, "").Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"[（(][^）)]*[）)]")]
    private static partial Regex Qualifier();

    private RamTag SynonymTarget((string Phrase, string Tag) synonym) =>
        Get(synonym.Tag) ?? throw new InvalidOperationException($"synonym \"{synonym.Phrase}\" maps to \"{synonym.Tag}\", which is not a RAM++ tag");

    private static RamVocabulary LoadEmbedded()
    {
        string[] Lines(string file)
        {
            var name = $"{typeof(RamVocabulary).Namespace}.ram.{file}";
            using var stream = typeof(RamVocabulary).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"the RAM++ list {name} is not embedded in {typeof(RamVocabulary).Assembly.GetName().Name}");
            using var reader = new StreamReader(stream);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line) lines.Add(line);
            return [.. lines];
        }
        return Parse(Lines(EnglishFile), Lines(ChineseFile), Lines(ThresholdFile), "(embedded)");
    }

    private static RamVocabulary Parse(string[] english, string[] chinese, string[] thresholds, string origin)
    {
        if (english.Length != chinese.Length || english.Length != thresholds.Length)
            throw new InvalidDataException(
                $"RAM++ vocabulary {origin}: the three lists must be parallel, one tag per line, but {EnglishFile} has {english.Length} lines, " +
                $"{ChineseFile} {chinese.Length} and {ThresholdFile} {thresholds.Length}");
        var tags = new RamTag[english.Length];
        for (var i = 0; i < tags.Length; i++)
            tags[i] = new RamTag(i, Name(english, i, EnglishFile, origin), Name(chinese, i, ChineseFile, origin), Threshold(thresholds[i], i, origin));
        return new RamVocabulary(tags, origin);
    }

    private static string Name(string[] lines, int i, string file, string origin)
    {
        var name = lines[i].Trim();
        return name.Length > 0 ? name : throw new InvalidDataException($"RAM++ vocabulary {origin}: {file} line {i + 1} is empty");
    }

    private static double Threshold(string line, int i, string origin) =>
        double.TryParse(line.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 1
            ? value
            : throw new InvalidDataException($"RAM++ vocabulary {origin}: {ThresholdFile} line {i + 1}: \"{line}\" is not a threshold in (0, 1]");
}
