using System.Runtime.CompilerServices;

namespace MMForge.Tagging.Vocabulary;

/// <summary>
/// Cuts text into the lower-case words phrases are matched on, the same way for the vocabulary
/// and for the text it is searched in. A word is a run of letters and digits; apostrophes inside
/// it are dropped ("child's" reads "childs", matching RAM++'s "childs room" and, as a plural, "child");
/// every other character separates words, so hyphens and punctuation around a word do not matter
/// ("T-shirt," reads "t shirt"). Each CJK ideograph is a word of its own: Chinese has no spaces,
/// and matching ideograph sequences finds Chinese tag names inside running text. Only spaces and
/// hyphens join the words of a phrase: other punctuation ends it, so "a couch, table, lamp"
/// names a table and a lamp, not a "table lamp".
/// </summary>
internal ref struct PhraseTokenizer
{
    /// <summary>Longer words cannot be in the vocabulary; they are reported as one word that matches nothing.</summary>
    public const int MaxWordLength = 48;

    private readonly ReadOnlySpan<char> text;
    private int position;

    public PhraseTokenizer(ReadOnlySpan<char> text) => this.text = text;

    /// <summary>
    /// The next word, lower-cased into <paramref name="buffer"/> (at least <see cref="MaxWordLength"/>
    /// chars). A word longer than that comes back truncated with <paramref name="tooLong"/> set.
    /// <paramref name="phraseBreak"/> says that punctuation between the previous word and this one
    /// ends any phrase.
    /// </summary>
    public bool Next(scoped Span<char> buffer, out int length, out bool tooLong, out bool phraseBreak)
    {
        length = 0;
        tooLong = false;
        phraseBreak = false;
        for (; position < text.Length; position++)
        {
            var kind = Classify(text[position]);
            if (kind == CharKind.Break) phraseBreak = true;
            else if (kind is not (CharKind.Joiner or CharKind.Apostrophe)) break;
        }
        if (position == text.Length) return false;
        if (Classify(text[position]) == CharKind.Ideograph)
        {
            buffer[length++] = text[position++];
            return true;
        }
        for (; position < text.Length; position++)
        {
            var c = text[position];
            var kind = Classify(c);
            if (kind == CharKind.Apostrophe) continue;
            if (kind != CharKind.Word) break;
            if (length < MaxWordLength) buffer[length++] = ToLower(c);
            else tooLong = true;
        }
        return true;
    }

    /// <summary>The words of <paramref name="phrase"/> as strings (for building the vocabulary's index).</summary>
    public static List<string> Words(string phrase)
    {
        var words = new List<string>();
        var tokenizer = new PhraseTokenizer(phrase);
        Span<char> buffer = stackalloc char[MaxWordLength];
        while (tokenizer.Next(buffer, out var length, out _, out _)) words.Add(new string(buffer[..length]));
        return words;
    }

    private enum CharKind : byte { Break, Joiner, Word, Apostrophe, Ideograph }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CharKind Classify(char c)
    {
        if (c < 128) return AsciiKinds[c];
        if (c is '\u2019' or '\u02BC') return CharKind.Apostrophe;
        if (c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF') return CharKind.Ideograph;
        if (char.IsLetterOrDigit(c)) return CharKind.Word;
        return char.IsWhiteSpace(c) || c is '\u2010' or '\u2011' ? CharKind.Joiner : CharKind.Break;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static char ToLower(char c) => c < 128 ? (char)(c is >= 'A' and <= 'Z' ? c | 0x20 : c) : char.ToLowerInvariant(c);

    private static readonly CharKind[] AsciiKinds = BuildAsciiKinds();

    private static CharKind[] BuildAsciiKinds()
    {
        var kinds = new CharKind[128];
        for (var c = 0; c < 128; c++)
            kinds[c] = char.IsAsciiLetterOrDigit((char)c) ? CharKind.Word
                : c == '\'' ? CharKind.Apostrophe
                : c is ' ' or '\t' or '\n' or '\r' or '-' ? CharKind.Joiner
                : CharKind.Break;
        return kinds;
    }
}
