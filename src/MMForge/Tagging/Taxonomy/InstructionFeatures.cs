namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// Turns instruction text into 64-bit feature hashes that work for English and Chinese alike,
/// without allocating. Latin text gives lowercased word unigrams and bigrams (the first word also
/// pairs with a start-of-text marker, since "Describe ..." and "What ..." open different tasks);
/// a plural "s" is dropped so "cars" and "car" count as one word, and every number is one token,
/// so "2018" and "[0.12, 0.34]" generalize. Chinese (and other CJK) text has no spaces, so it
/// gives character unigrams and bigrams. Features past <see cref="Capacity"/> are ignored: an
/// instruction's type shows in its opening words.
/// </summary>
internal ref struct InstructionFeatures
{
    public const int Capacity = 256;

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;
    private const ulong StartOfText = 0x5bd1e9955bd1e995;
    private const ulong NumberToken = 0x27d4eb2f165667c5;
    private const ulong WordBigramSalt = 0x9e3779b97f4a7c15;
    private const ulong CjkUnigramSalt = 0xc2b2ae3d27d4eb4f;
    private const ulong CjkBigramSalt = 0x165667b19e3779f9;

    private readonly Span<ulong> features;
    private int count;

    // the word being read: its hash, the hash without its last char (for the plural), its last two chars
    private ulong wordHash;
    private ulong wordHashBeforeLast;
    private int wordLength;
    private bool wordIsNumber;
    private char wordLast;
    private char wordBeforeLast;

    // the previous token, for bigrams; 0 when a bigram should not span the gap
    private ulong previousWord;
    private ulong previousCjk;

    public InstructionFeatures(Span<ulong> buffer)
    {
        features = buffer.Length > Capacity ? buffer[..Capacity] : buffer;
        previousWord = StartOfText;
        previousCjk = StartOfText;
    }

    public readonly int Count => count;

    public readonly ReadOnlySpan<ulong> Features => features[..count];

    /// <summary>The features of <paramref name="text"/>, appended to those already read.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                EndWord();
                previousWord = 0;
                var unigram = Mix(c ^ CjkUnigramSalt);
                Emit(unigram);
                if (previousCjk != 0) Emit(Mix(previousCjk * FnvPrime ^ unigram ^ CjkBigramSalt));
                previousCjk = unigram;
            }
            else if (char.IsLetterOrDigit(c))
            {
                previousCjk = 0;
                AddToWord(char.ToLowerInvariant(c));
            }
            else
            {
                previousCjk = 0;
                EndWord();
            }
        }
    }

    /// <summary>
    /// Ends the text read so far: its last word counts only now, and no bigram joins it to what is
    /// added next (e.g. text on either side of an image placeholder).
    /// </summary>
    public void EndText()
    {
        EndWord();
        // until a token is read the text has not started, so its first word still pairs with the start marker
        previousWord = previousCjk = count == 0 ? StartOfText : 0;
    }

    /// <summary>The features of a text that fit in <see cref="Capacity"/>; for training and keyword compiling, where allocation is fine.</summary>
    public static ulong[] Of(ReadOnlySpan<char> text)
    {
        var features = new InstructionFeatures(new ulong[Capacity]);
        features.Add(text);
        features.EndText();
        return features.Features.ToArray();
    }

    /// <summary>CJK ideographs, kana and hangul: scripts written without spaces between words.</summary>
    private static bool IsCjk(char c) =>
        c is (>= '\u3400' and <= '\u9fff') or (>= '\uf900' and <= '\ufaff') or (>= '\u3040' and <= '\u30ff') or (>= '\uac00' and <= '\ud7af');

    private void AddToWord(char c)
    {
        if (wordLength == 0)
        {
            wordHash = FnvOffset;
            wordIsNumber = true;
        }
        wordHashBeforeLast = wordHash;
        wordHash = (wordHash ^ c) * FnvPrime;
        wordIsNumber &= char.IsDigit(c);
        wordBeforeLast = wordLast;
        wordLast = c;
        wordLength++;
    }

    private void EndWord()
    {
        if (wordLength == 0) return;
        var word = Mix(wordIsNumber ? NumberToken : IsPlural() ? wordHashBeforeLast : wordHash);
        wordLength = 0;
        Emit(word);
        if (previousWord != 0) Emit(Mix(previousWord * FnvPrime ^ word ^ WordBigramSalt));
        previousWord = word;
    }

    /// <summary>A trailing "s" on a word of four or more letters, except "-ss", "-us", "-is" (glass, bus, this).</summary>
    private readonly bool IsPlural() =>
        wordLength >= 4 && wordLast == 's' && wordBeforeLast is not ('s' or 'u' or 'i');

    private void Emit(ulong feature)
    {
        if (count < features.Length) features[count++] = feature;
    }

    /// <summary>The splitmix64 finalizer: spreads FNV's weak low bits so the salts separate feature kinds.</summary>
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
        x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
        return x ^ (x >> 31);
    }
}
