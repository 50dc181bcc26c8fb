namespace MMForge.Scoring;

/// <summary>
/// Places the tokens a server echoed on the prompt it was sent: the character range (UTF-16) each
/// token covers. Built from the tokens' text rather than the reply's <c>text_offset</c>: vLLM
/// computes those offsets as the running sum of each token decoded on its own, so they drift from
/// the prompt as soon as a token is not spelled in it: a BOS token the server prepends, a byte
/// piece of a multi-byte character (decoded as U+FFFD), a SentencePiece word whose leading space
/// is dropped when decoded alone. Here those are handled where they occur:
/// <list type="bullet">
/// <item>a token the prompt does not hold before anything matched (BOS) covers nothing, at 0;</item>
/// <item>byte pieces cover the character they belong to; a token ending in one begins the next character;</item>
/// <item>a token found a few characters further on takes the skipped characters (a dropped space) with it.</item>
/// </list>
/// Tokens after the end of the prompt (generated ones) cover nothing at its end.
/// </summary>
public static class TokenAlignment
{
    private const char Piece = '\uFFFD';

    // How far a token may be found past where the previous one ended (a dropped space, a normalised newline).
    private const int MaxSkipped = 4;

    /// <exception cref="FormatException">A token is not where the prompt continues: the server scored some other text.</exception>
    public static Range[] Align(string prompt, IReadOnlyList<string> tokens)
    {
        var spans = new Range[tokens.Count];
        var pos = 0;
        var pending = false; // byte pieces have begun the character at pos
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (pos >= prompt.Length || token.Length == 0)
            {
                spans[i] = pos..pos;
                continue;
            }
            if (!pending && prompt.AsSpan(pos).StartsWith(token, StringComparison.Ordinal))
            {
                spans[i] = pos..(pos + token.Length);
                pos += token.Length;
                continue;
            }
            var lead = token.Length - token.TrimStart(Piece).Length;
            if (lead == token.Length)
            {
                pending = true;
                spans[i] = pos..(pos + CharLength(prompt, pos));
                continue;
            }
            var trail = token.Length - token.TrimEnd(Piece).Length;
            var start = pos;
            if (pending || lead > 0)
            {
                // The character begun by earlier pieces ends here: in this token when it starts with
                // a piece of it, else before it (then the token starts after that character).
                pos += CharLength(prompt, pos);
                if (lead == 0) start = pos;
            }
            pending = false;
            var core = token[lead..^trail];
            var found = Find(prompt, core, pos);
            if (found < 0)
            {
                if (start == 0 && lead == 0 && trail == 0)
                {
                    spans[i] = 0..0; // a special token the server put before the prompt
                    continue;
                }
                throw new FormatException($"token {i} {Quote(token)} is not where the prompt continues (character {start}: {Quote(prompt.Substring(start, Math.Min(20, prompt.Length - start)))})");
            }
            pos = found + core.Length;
            var end = pos;
            if (trail > 0 && pos < prompt.Length)
            {
                pending = true;
                end += CharLength(prompt, pos);
            }
            spans[i] = start..end;
        }
        return spans;
    }

    private static int Find(string prompt, string core, int pos)
    {
        var window = Math.Min(prompt.Length - pos, core.Length + MaxSkipped);
        return window < core.Length ? -1 : prompt.IndexOf(core, pos, window, StringComparison.Ordinal);
    }

    /// <summary>UTF-16 units of the character at <paramref name="pos"/> (2 for a surrogate pair).</summary>
    private static int CharLength(string text, int pos) =>
        pos + 1 < text.Length && char.IsHighSurrogate(text[pos]) && char.IsLowSurrogate(text[pos + 1]) ? 2 : 1;

    private static string Quote(string text) => "\"" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
