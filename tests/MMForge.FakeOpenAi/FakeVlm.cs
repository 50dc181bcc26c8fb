using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MMForge.FakeOpenAi;

/// <summary>
/// A stand-in VLM for the Infinity-MM method's prompts (the shipped vlm-*.txt templates): it
/// recognises which step a request is by the template's wording and answers in kind, a question
/// naming the type asked for and the image, a relevance score, an answer echoing the question,
/// an answer score. Everything depends on the request alone, so runs compare byte for byte.
/// </summary>
public static class FakeVlm
{
    public const string QuestionPrompt = "Write one new question of the type";
    public const string RelevancePrompt = "How well does the question fit";
    public const string ScorePrompt = "Judge the answer against the image";

    public static FakeReply Answer(RecordedRequest request, int relevance = 9, int score = 9)
    {
        var text = string.Join("\n", request.Texts);
        if (text.Contains(QuestionPrompt, StringComparison.Ordinal))
        {
            var type = text[(text.IndexOf(QuestionPrompt + " \"", StringComparison.Ordinal) + QuestionPrompt.Length + 2)..];
            type = type[..type.IndexOf('"')];
            return FakeReply.Text(JsonSerializer.Serialize(new { question = $"About the {type}: what stands out in image {Digest(request)}?" }), 900, 20);
        }
        if (text.Contains(RelevancePrompt, StringComparison.Ordinal)) return FakeReply.Text($"{{\"score\": {relevance}}}", 400, 5);
        if (text.Contains(ScorePrompt, StringComparison.Ordinal)) return FakeReply.Text($"{{\"score\": {score}}}", 450, 5);
        return FakeReply.Text("The answer to \"" + request.Texts.First().Split('\n')[0] + "\" is shown in the image.", 420, 30);
    }

    /// <summary>A short digest of the request's last image (the one asked about), so each image gets its own question.</summary>
    private static string Digest(RecordedRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.ImageUrls.LastOrDefault() ?? "")))[..8];
}
