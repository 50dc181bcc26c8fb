using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats.Codecs;

/// <summary>The new codecs on real files from upstream repositories: detection, counts, mapping.</summary>
public class SampleFileTests
{
    [Fact]
    public void LlavaGpt4QaFileReadsAsAlpaca()
    {
        var result = Read.All(TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"));
        Assert.Empty(result.Errors);
        Assert.Equal("alpaca", result.Sources.Single().Codec.Name);
        Assert.Equal(90, result.Samples.Count);
        Assert.Equal(30, result.Samples.Select(s => Assert.Single(s.Images).Path).Distinct().Count());
        Assert.Equal(["\"complex\"", "\"conv\"", "\"detail\""], result.Samples.Select(s => s.Extra.Get("type")!).Distinct().Order());
        Assert.All(result.Samples, s => Assert.Equal([Roles.Human, Roles.Gpt], s.Turns.Select(t => t.Role)));
        var first = result.Samples[0];
        Assert.Equal("000000525439", first.Id);
        Assert.False(first.IdIsNumber);
        Assert.Equal("COCO_val2014_000000525439.jpg", first.Images[0].Path);
        Assert.Equal("What is the position of the skateboard in the image?", first.Turns[0].Value);
    }

    [Fact]
    public void DataJuicerImageDemoReadsAsDataJuicerText()
    {
        var result = Read.All(TestPaths.Sample("data-juicer", "demo-dataset-images.jsonl"));
        Assert.Empty(result.Errors);
        Assert.Equal("datajuicer", result.Sources.Single().Codec.Name);
        Assert.Equal(3, result.Samples.Count);
        Assert.Equal(["../../tests/ops/data/img1.png", "../../tests/ops/data/img2.jpg", "../../tests/ops/data/img3.jpg"],
            result.Samples.Select(s => Assert.Single(s.Images).Path));
        Assert.Equal("<image> A comfortable bed.", result.Samples[0].Text);
        Assert.All(result.Samples, s =>
        {
            Assert.Empty(s.Turns);
            Assert.DoesNotContain("__dj__", s.Text);
        });
    }

    [Fact]
    public void DataJuicerTextOnlyDemoReadsAsDataJuicer()
    {
        var result = Read.All(TestPaths.Sample("data-juicer", "demo-dataset-deduplication.jsonl"));
        Assert.Empty(result.Errors);
        Assert.Equal("datajuicer", result.Sources.Single().Codec.Name);
        Assert.Equal(14, result.Samples.Count);
        Assert.Equal("你好，请问你是谁", result.Samples[2].Text);
    }

    [Fact]
    public void DataJuicerChatmlDemoReadsAsMessagesWithSystemTurns()
    {
        var result = Read.All(TestPaths.Sample("data-juicer", "demo-dataset-chatml.jsonl"));
        Assert.Empty(result.Errors);
        Assert.Equal("messages", result.Sources.Single().Codec.Name);
        Assert.Equal(4, result.Samples.Count); // the last line has no newline at its end
        Assert.Equal([5, 3, 3, 3], result.Samples.Select(s => s.Turns.Count));
        Assert.All(result.Samples, s =>
        {
            Assert.Equal(Roles.System, s.Turns[0].Role);
            Assert.Equal("You are a helpful assistant", s.Turns[0].Value);
            Assert.Equal([Roles.Human, Roles.Gpt], s.Turns.Skip(1).Take(2).Select(t => t.Role));
            Assert.Empty(s.Images);
        });
        Assert.Equal("那雕塑方面如何呢？", result.Samples[0].Turns[3].Value);
    }
}
