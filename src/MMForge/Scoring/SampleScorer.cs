using MMForge.Models;
using MMForge.Records;

namespace MMForge.Scoring;

/// <summary>What scoring one sample came to: its answer loss, or the rule and reason it could not be scored.</summary>
public readonly record struct ScoreOutcome(double Loss, int Tokens, string? Rule, string? Reason)
{
    public bool Scored => Rule is null;

    public static ScoreOutcome Of(double loss, int tokens) => new(loss, tokens, null, null);

    public static ScoreOutcome Unscored(string rule, string reason) => new(double.NaN, 0, rule, reason);
}

/// <summary>
/// Scores one sample: writes it with the template, asks the model for the prompt's
/// log-probabilities and averages them over the answer tokens. Every way this can fail ends in an
/// <see cref="ScoreOutcome.Unscored"/> with its rule, never an exception, so one bad sample or a
/// server hiccup costs that sample and the run goes on.
/// </summary>
public sealed class SampleScorer(ModelClient client, PromptTemplate template)
{
    /// <summary>The model failed for good on the sample (after retries), or its reply does not fit the prompt.</summary>
    public const string ModelRule = "score-model";

    /// <summary>The sample has no answer to score (no gpt turn, or only empty ones).</summary>
    public const string NoAnswerRule = "score-no-answer";

    public ModelClient Client => client;

    public PromptTemplate Template => template;

    public async Task<ScoreOutcome> ScoreAsync(Sample sample, CancellationToken ct = default)
    {
        var prompt = template.Render(sample);
        if (prompt.Answers.Count == 0)
            return ScoreOutcome.Unscored(NoAnswerRule, "the sample has no assistant (gpt) turn whose answer could be scored");
        PromptLogprobs scored;
        try
        {
            scored = await client.PromptLogprobsAsync(prompt.Text, ct).ConfigureAwait(false);
        }
        catch (ModelCallException e)
        {
            return ScoreOutcome.Unscored(ModelRule, e.Message);
        }
        try
        {
            return AnswerLoss.Compute(prompt, scored) switch
            {
                null => ScoreOutcome.Unscored(NoAnswerRule, "the answers hold no token to score (empty answers)"),
                // the loss is kept as a float and written to JSON: a reply whose log-probabilities add up beyond a float's range is not a score
                var (loss, _) when !float.IsFinite((float)loss) => ScoreOutcome.Unscored(ModelRule, $"model {client.Model}: the answers' loss {loss:G6} is beyond a float's range"),
                var (loss, tokens) => ScoreOutcome.Of(loss, tokens),
            };
        }
        catch (FormatException e)
        {
            return ScoreOutcome.Unscored(ModelRule, $"model {client.Model}: the echoed tokens do not fit the prompt: {e.Message}");
        }
    }
}
