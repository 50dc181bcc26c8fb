using MMForge.Tests.Support;

namespace MMForge.Tests.Formats;

public class LlavaReadTests
{
    [Fact]
    public void Qwen3VlSingleImagesJsonArrayLoadsEveryRecord()
    {
        var result = Read.All(TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json"));
        Assert.Empty(result.Errors);
        Assert.Equal("llava", result.Sources.Single().Codec.Name);
        Assert.Equal(3, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.Single(s.Images));
        Assert.Equal("demo/images/10095.png", result.Samples[0].Images[0].Path);
        Assert.Equal("Yes", result.Samples[0].Turns[1].Value);
        Assert.Equal(28, result.Samples[2].Provenance.Line); // the third element opens on file line 28
    }
}
