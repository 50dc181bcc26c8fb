namespace MMForge.Synthesis;

/// <summary>
/// Recognises a model declining to do what it was asked ("I'm sorry, I can't..."): such a reply
/// is no question or answer, and must not reach a training set as one.
/// </summary>
public static class Refusals
{
    private static readonly string[] Openings =
    [
        "i'm sorry", "i am sorry", "sorry,", "i cannot", "i can't", "i can not", "i'm unable", "i am unable",
        "as an ai", "i apologize", "unfortunately, i", "i'm not able", "i am not able",
    ];

    public static bool IsRefusal(string reply)
    {
        var text = reply.AsSpan().TrimStart().TrimStart('"');
        foreach (var opening in Openings)
            if (text.StartsWith(opening, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
