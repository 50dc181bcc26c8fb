using MMForge.Models;

namespace MMForge.Scoring;

/// <summary>
/// The answer-token loss of a scored prompt: the mean of -log p over the tokens that fall in the
/// answers, the cross-entropy a trainer computes on the labels of an instruction sample. A token
/// belongs to an answer when it covers at least one of the answer's characters (so a token
/// straddling the start or end of an answer counts: predicting it means predicting answer text);
/// a token covering nothing counts when it sits inside an answer (a byte piece of a character).
/// The first token has no log-probability and never counts.
/// </summary>
public static class AnswerLoss
{
    /// <returns>The loss and the tokens it averages; null when no scored token falls in an answer.</returns>
    public static (double Loss, int Tokens)? Compute(RenderedPrompt prompt, PromptLogprobs scored)
    {
        var spans = TokenAlignment.Align(prompt.Text, scored.Tokens);
        double sum = 0;
        var count = 0;
        var answer = 0;
        for (var i = 0; i < spans.Length && answer < prompt.Answers.Count; i++)
        {
            var (start, end) = (spans[i].Start.Value, spans[i].End.Value);
            // Answers and tokens both run left to right: skip answers that end before this token.
            while (answer < prompt.Answers.Count && prompt.Answers[answer].End.Value <= start) answer++;
            if (answer == prompt.Answers.Count) break;
            var (from, to) = (prompt.Answers[answer].Start.Value, prompt.Answers[answer].End.Value);
            var inside = start == end ? from <= start && start < to : start < to && end > from;
            if (!inside || scored.Logprobs[i] is not { } logprob) continue;
            sum -= logprob;
            count++;
        }
        return count == 0 ? null : (sum / count, count);
    }
}
