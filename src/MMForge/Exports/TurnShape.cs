using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>
/// The conversation shape a trainer accepts, checked before a sample is written so that a sample
/// the trainer would crash on, or silently misread, is rejected with the reason instead:
/// one <c>&lt;image&gt;</c> placeholder per image, at most one leading system turn where the
/// trainer reads one, then user/assistant turns alternating from the user and ending on an answer.
/// </summary>
public sealed record TurnShape
{
    /// <summary>The trainer reads a leading system turn (InternVL, LLaMA-Factory); LLaVA-OneVision's script does not.</summary>
    public bool SystemTurn { get; init; }

    /// <summary>
    /// LLaMA-Factory's sharegpt layout: observation may stand where the user speaks and
    /// function_call where the assistant does.
    /// </summary>
    public bool ToolTurns { get; init; }

    private const string Observation = "observation", FunctionCall = "function_call";

    /// <summary>Why the trainer cannot take this sample's conversation, or null.</summary>
    public string? Problem(Sample sample)
    {
        var tokens = sample.Turns.Sum(t => TurnPairs.CountImageTokens(t.Value));
        if (tokens != sample.Images.Count)
            return $"{tokens} <image> placeholder(s) for {sample.Images.Count} image(s); the trainer pairs them one to one";
        var start = 0;
        if (sample.Turns.Count > 0 && sample.Turns[0].Role == Roles.System)
        {
            if (!SystemTurn) return "the conversation starts with a system turn, which this trainer's script does not read";
            start = 1;
        }
        var dialogue = sample.Turns.Count - start;
        if (dialogue == 0) return "the conversation has no question and answer";
        for (var i = start; i < sample.Turns.Count; i++)
        {
            var user = (i - start) % 2 == 0;
            var role = sample.Turns[i].Role;
            if (user ? !IsUser(role) : !IsAssistant(role))
                return $"turn {i + 1} has role '{role}' where the {(user ? "user" : "assistant")} was expected (turns must alternate, user first)";
        }
        return dialogue % 2 == 1 ? $"the last turn ({sample.Turns.Count}) is a question without an answer" : null;
    }

    private bool IsUser(string role) => role == Roles.Human || (ToolTurns && role == Observation);
    private bool IsAssistant(string role) => role == Roles.Gpt || (ToolTurns && role == FunctionCall);
}
