using MMForge.Synthesis;

namespace MMForge.Cli.Terminal;

/// <summary>One line of synthesis progress: images done of the total, pairs accepted, refusals by rule, request and token rates, and the time left.</summary>
public static class SynthesisStatus
{
    public static string Describe(SynthesisProgress p)
    {
        var seconds = Math.Max(0.001, p.Elapsed.TotalSeconds);
        var generatedNow = p.ImagesDone - p.ImagesFromJournal;
        var line = $"synthesize: {p.ImagesDone:N0}/{p.ImagesTotal:N0} images"
                   + (p.ImagesFromJournal > 0 ? $" ({p.ImagesFromJournal:N0} from the journal)" : "")
                   + $", {p.PairsAccepted:N0} pairs accepted";
        if (p.RefusedByRule.Count > 0) line += ", refused: " + string.Join(", ", p.RefusedByRule.Select(r => $"{r.Key.Replace("synthesis-", "")} {r.Value:N0}"));
        if (p.ImagesFailed > 0) line += $", {p.ImagesFailed:N0} images failed";
        if (p.Usage is { } usage)
            line += $", {usage.HttpCalls / seconds:N0} requests/s, {(usage.PromptTokens + usage.CompletionTokens) / seconds:N0} tokens/s";
        if (generatedNow > 0 && p.ImagesTotal > p.ImagesDone)
        {
            var left = TimeSpan.FromSeconds((p.ImagesTotal - p.ImagesDone) * seconds / generatedNow);
            line += $", ETA {(int)left.TotalHours}:{left:mm\\:ss}";
        }
        return line;
    }
}
