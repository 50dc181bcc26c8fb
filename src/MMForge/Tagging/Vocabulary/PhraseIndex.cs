using System.Buffers;

namespace MMForge.Tagging.Vocabulary;

/// <summary>
/// A trie of phrases over word ids, for greedy longest-match search. Text is tokenized once
/// (<see cref="PhraseTokenizer"/>), each word is looked up once in a dictionary of the words
/// that occur in some phrase, and the match walks the trie from each word: no per-phrase
/// regular expression, no allocation per word. The first phrase added under a key wins, so the
/// builder adds the most trusted spellings first.
/// </summary>
internal sealed class PhraseIndex<TValue> where TValue : class
{
    private const int NoWord = -1;

    private readonly Dictionary<string, int> wordIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> wordLookup;
    private readonly Dictionary<long, int> children = [];
    private readonly List<TValue?> values = [null]; // per node; node 0 is the root
    private readonly List<int> rootChildren = [];  // per word id: the root's children, the hot path, without hashing

    public PhraseIndex() => wordLookup = wordIds.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Adds <paramref name="words"/> -> <paramref name="value"/> unless the phrase is already present; returns whether it was added.</summary>
    public bool TryAdd(IReadOnlyList<string> words, TValue value)
    {
        if (words.Count == 0) return false;
        var node = 0;
        foreach (var word in words) node = Child(node, WordId(word));
        if (values[node] is not null) return false;
        values[node] = value;
        return true;
    }

    /// <summary>
    /// The value of exactly this phrase (all of <paramref name="text"/>'s words), or null.
    /// Punctuation around the phrase is ignored; punctuation between its words makes it no phrase.
    /// </summary>
    public TValue? Exact(ReadOnlySpan<char> text)
    {
        var tokenizer = new PhraseTokenizer(text);
        Span<char> buffer = stackalloc char[PhraseTokenizer.MaxWordLength];
        var node = 0;
        while (tokenizer.Next(buffer, out var length, out var tooLong, out var phraseBreak))
        {
            var word = tooLong || (phraseBreak && node != 0) ? NoWord : Lookup(buffer[..length]);
            if (word == NoWord || (node = Step(node, word)) < 0) return null;
        }
        return values[node];
    }

    /// <summary>
    /// Appends to <paramref name="found"/> the value of each phrase in <paramref name="text"/>, in
    /// order, taking the longest phrase at each position and going on after it.
    /// </summary>
    public void Search(ReadOnlySpan<char> text, List<TValue> found)
    {
        // a word or a phrase break per char at most; words are only ever looked up once
        var ids = ArrayPool<int>.Shared.Rent(text.Length + 1);
        try
        {
            var count = WordIds(text, ids);
            for (var i = 0; i < count;)
            {
                var (value, end) = LongestAt(ids, i, count);
                if (value is null) i++;
                else
                {
                    found.Add(value);
                    i = end;
                }
            }
        }
        finally { ArrayPool<int>.Shared.Return(ids); }
    }

    private int WordIds(ReadOnlySpan<char> text, int[] ids)
    {
        var tokenizer = new PhraseTokenizer(text);
        Span<char> buffer = stackalloc char[PhraseTokenizer.MaxWordLength];
        var count = 0;
        while (tokenizer.Next(buffer, out var length, out var tooLong, out var phraseBreak))
        {
            if (phraseBreak) ids[count++] = NoWord;
            ids[count++] = tooLong ? NoWord : Lookup(buffer[..length]);
        }
        return count;
    }

    private (TValue? Value, int End) LongestAt(int[] ids, int start, int count)
    {
        var best = (Value: (TValue?)null, End: start);
        var node = 0;
        for (var i = start; i < count && ids[i] != NoWord; i++)
        {
            if ((node = Step(node, ids[i])) < 0) break;
            if (values[node] is { } value) best = (value, i + 1);
        }
        return best;
    }

    private int Lookup(ReadOnlySpan<char> word) => wordLookup.TryGetValue(word, out var id) ? id : NoWord;

    private int Step(int node, int word) =>
        node == 0 ? rootChildren[word] : children.TryGetValue(Key(node, word), out var child) ? child : -1;

    private int WordId(string word)
    {
        if (wordIds.TryGetValue(word, out var id)) return id;
        wordIds.Add(word, id = wordIds.Count);
        rootChildren.Add(-1);
        return id;
    }

    private int Child(int node, int word)
    {
        var existing = Step(node, word);
        if (existing >= 0) return existing;
        var child = values.Count;
        values.Add(null);
        if (node == 0) rootChildren[word] = child;
        else children.Add(Key(node, word), child);
        return child;
    }

    private static long Key(int node, int word) => ((long)node << 32) | (uint)word;
}
