namespace MMForge.Dedup.Text;

/// <summary>
/// Cuts a normalized text (see <see cref="TextNormalizer"/>) into overlapping shingles and hashes
/// each one once to 64 bits. A shingle's hash depends only on its content, so equal shingles in
/// two texts hash equal and the shingle sets compare by their hashes.
/// </summary>
public sealed class Shingler(ShingleKind kind, int size)
{
    // Odd 64-bit multipliers: the polynomial base, and the murmur3 finalizer's constants.
    private const ulong Base = 0x9E3779B97F4A7C15;
    private const ulong Mix1 = 0xFF51AFD7ED558CCD;
    private const ulong Mix2 = 0xC4CEB9FE1A85EC53;

    /// <summary>
    /// Writes one hash per shingle to <paramref name="hashes"/> (at least as long as the text) and
    /// returns the count: none for an empty text, one for a text shorter than a shingle.
    /// </summary>
    public int Hash(ReadOnlySpan<char> normalized, Span<ulong> hashes)
    {
        if (hashes.Length < normalized.Length)
            throw new ArgumentException($"needs room for {normalized.Length} hashes", nameof(hashes));
        return kind == ShingleKind.Characters ? CharacterShingles(normalized, hashes) : WordShingles(normalized, hashes);
    }

    /// <summary>A rolling polynomial over the window, so each shingle costs one step however long it is.</summary>
    private int CharacterShingles(ReadOnlySpan<char> text, Span<ulong> hashes)
    {
        if (text.IsEmpty) return 0;
        var window = Math.Min(size, text.Length);
        var polynomial = 0UL;
        var outgoingWeight = 1UL; // Base^(window-1): the weight of the char that leaves the window
        for (var i = 0; i < window; i++)
        {
            polynomial = Append(polynomial, text[i]);
            if (i > 0) outgoingWeight *= Base;
        }
        hashes[0] = Finish(polynomial);
        for (var i = window; i < text.Length; i++)
        {
            polynomial = Append(polynomial - text[i - window] * outgoingWeight, text[i]);
            hashes[i - window + 1] = Finish(polynomial);
        }
        return text.Length - window + 1;
    }

    /// <summary>Hashes each word, then each run of <c>size</c> word hashes, in place.</summary>
    private int WordShingles(ReadOnlySpan<char> text, Span<ulong> hashes)
    {
        if (text.IsEmpty) return 0;
        var words = 0;
        foreach (var range in text.Split(' '))
        {
            var polynomial = 0UL;
            foreach (var c in text[range]) polynomial = Append(polynomial, c);
            hashes[words++] = Finish(polynomial);
        }
        var window = Math.Min(size, words);
        // shingle j reads words j..j+window-1 and then overwrites word j, which no later shingle reads
        for (var j = 0; j + window <= words; j++)
        {
            var polynomial = 0UL;
            foreach (var word in hashes.Slice(j, window)) polynomial = Append(polynomial, word);
            hashes[j] = Finish(polynomial);
        }
        return words - window + 1;
    }

    private static ulong Append(ulong polynomial, ulong token) => polynomial * Base + token;

    /// <summary>murmur3's fmix64: spreads every input bit over the whole hash, so its halves are usable alone.</summary>
    private static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= Mix1;
        h ^= h >> 33;
        h *= Mix2;
        return h ^ (h >> 33);
    }
}
