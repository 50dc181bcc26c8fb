using MMForge.Cli.Terminal;
using MMForge.Models;
using MMForge.Synthesis;

namespace MMForge.Tests.Synthesis.Vlm;

public sealed class SynthesisStatusTests
{
    [Fact]
    public void The_status_line_gives_images_pairs_refusals_rates_and_the_time_left()
    {
        var progress = new SynthesisProgress(ImagesDone: 300, ImagesTotal: 1000, ImagesFromJournal: 100, ImagesFailed: 2, PairsAccepted: 450,
            new SortedDictionary<string, long> { ["synthesis-answer-low-score"] = 40, ["synthesis-refusal"] = 3 },
            new ModelUsage(HttpCalls: 2000, CacheHits: 0, Retries: 5, Failures: 2, PromptTokens: 900_000, CompletionTokens: 100_000), TimeSpan.FromSeconds(100));

        Assert.Equal("synthesize: 300/1,000 images (100 from the journal), 450 pairs accepted, refused: answer-low-score 40, refusal 3, 2 images failed, "
                     + "20 requests/s, 10,000 tokens/s, ETA 0:05:50", SynthesisStatus.Describe(progress));
    }
}
