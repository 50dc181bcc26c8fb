namespace MMForge.Dedup.Text;

/// <summary>What a shingle is made of: <see cref="MinHashOptions.ShingleSize"/> consecutive characters or words.</summary>
public enum ShingleKind
{
    /// <summary>
    /// Character n-grams over the normalized text. The default: short questions and answers give
    /// enough of them, and they work for Chinese, which has no spaces between words.
    /// </summary>
    Characters,

    /// <summary>Word n-grams (words split on single spaces of the normalized text), for long documents in spaced languages.</summary>
    Words,
}
