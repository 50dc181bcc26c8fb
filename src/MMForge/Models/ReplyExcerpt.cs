namespace MMForge.Models;

/// <summary>
/// The start of a model's reply as error messages and reject reasons quote it: trimmed, on one
/// line, at most <see cref="MaxChars"/> characters, so a hostile or runaway reply cannot flood a
/// log or a rejects file.
/// </summary>
public static class ReplyExcerpt
{
    public const int MaxChars = 200;

    public static string Of(string reply)
    {
        var flat = reply.Trim().ReplaceLineEndings(" ");
        return flat.Length <= MaxChars ? flat : flat[..MaxChars] + "...";
    }

    /// <summary>The excerpt in double quotes.</summary>
    public static string Quoted(string reply) => "\"" + Of(reply) + "\"";
}
