namespace MMForge.Dedup.Text;

/// <summary>
/// Reduces a text to what near-duplicate detection should compare: lowercase, punctuation
/// removed, and every run of whitespace or control characters turned into one space, with none
/// at the ends. So "Today is Sunday!" and "today  is sunday" shingle the same, and Chinese
/// full-width punctuation (，。！) does not split or pad the character shingles.
/// </summary>
public static class TextNormalizer
{
    /// <summary>
    /// Writes the normalized <paramref name="text"/> to <paramref name="destination"/> and
    /// returns its length. Normalizing never lengthens a text, so a destination as long as the
    /// text is always enough.
    /// </summary>
    public static int Normalize(ReadOnlySpan<char> text, Span<char> destination)
    {
        if (destination.Length < text.Length)
            throw new ArgumentException($"needs room for {text.Length} chars", nameof(destination));
        var length = 0;
        var spacePending = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                // a space is written only once a kept character follows, so none lands at either end
                spacePending = length > 0;
                continue;
            }
            if (char.IsPunctuation(c)) continue;
            if (spacePending)
            {
                destination[length++] = ' ';
                spacePending = false;
            }
            destination[length++] = char.ToLowerInvariant(c);
        }
        return length;
    }
}
