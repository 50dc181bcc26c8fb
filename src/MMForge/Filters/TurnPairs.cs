using MMForge.Records;

namespace MMForge.Filters;

/// <summary>
/// The question/answer structure of a dialogue: leading system turns, then (human, gpt) pairs.
/// Rules that remove a question always remove its answer too, and the reverse.
/// </summary>
public static class TurnPairs
{
    /// <summary>Index of the first non-system turn.</summary>
    public static int FirstDialogueTurn(IReadOnlyList<Turn> turns)
    {
        var i = 0;
        while (i < turns.Count && turns[i].Role == Roles.System) i++;
        return i;
    }

    /// <summary>
    /// Removes every pair for which <paramref name="drop"/> holds and returns the removed turns.
    /// Expects a dialogue that has passed the role-alternation rule.
    /// </summary>
    public static List<Turn> RemoveWhere(List<Turn> turns, Func<Turn, Turn, int, bool> drop)
    {
        var removed = new List<Turn>();
        var start = FirstDialogueTurn(turns);
        var kept = turns.Take(start).ToList();
        var pairIndex = 0;
        for (var i = start; i + 1 < turns.Count; i += 2, pairIndex++)
        {
            if (drop(turns[i], turns[i + 1], pairIndex)) { removed.Add(turns[i]); removed.Add(turns[i + 1]); }
            else { kept.Add(turns[i]); kept.Add(turns[i + 1]); }
        }
        if (removed.Count == 0) return removed;
        turns.Clear();
        turns.AddRange(kept);
        return removed;
    }

    public static bool HasDialogue(IReadOnlyList<Turn> turns) => FirstDialogueTurn(turns) < turns.Count;

    public static int CountImageTokens(string text)
    {
        var count = 0;
        for (var i = text.IndexOf(Sample.ImageToken, StringComparison.Ordinal); i >= 0; i = text.IndexOf(Sample.ImageToken, i + Sample.ImageToken.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>The question without image placeholders and surrounding whitespace.</summary>
    public static string QuestionText(Turn question) => question.Value.Replace(Sample.ImageToken, "", StringComparison.Ordinal).Trim();
}
