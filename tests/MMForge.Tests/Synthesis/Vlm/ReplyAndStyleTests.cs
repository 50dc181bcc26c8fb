using MMForge.Synthesis;
using MMForge.Synthesis.Vlm;

namespace MMForge.Tests.Synthesis.Vlm;

public sealed class ReplyAndStyleTests
{
    [Theory]
    [InlineData("{\"score\": 8}", 8)]
    [InlineData("Sure! ```json\n{\"score\": \"10\"}\n```", 10)]
    [InlineData("7", 7)]
    [InlineData("Score: 9/10", 9)]
    [InlineData("{\"score\": 11}", null)]
    [InlineData("{\"score\": 7.5}", null)]
    [InlineData("{\"score\": 0}", null)]
    [InlineData("I would say it is good", null)]
    [InlineData("", null)]
    [InlineData("{\"score\": ", null)]
    public void Scores_are_read_from_json_or_a_bare_number_on_the_1_to_10_scale(string reply, int? expected) =>
        Assert.Equal(expected, JudgeReplies.Score(reply));

    [Theory]
    [InlineData("{\"question\": \"What colour is the bus?\"}", "What colour is the bus?")]
    [InlineData("Here it is: {\"question\": \"  Why?  \"}", "Why?")]
    [InlineData("{\"question\": \"\"}", null)]
    [InlineData("{\"question\": 3}", null)]
    [InlineData("What colour is the bus?", null)]
    public void Questions_are_read_from_their_json(string reply, string? expected) => Assert.Equal(expected, JudgeReplies.Question(reply));

    [Theory]
    [InlineData("I'm sorry, but I can't help with that.", true)]
    [InlineData("  \"As an AI, I cannot see images.\"", true)]
    [InlineData("Unfortunately, I am unable to view the image.", true)]
    [InlineData("The sorry-looking dog is sitting.", false)]
    [InlineData("Sorrento is the town shown.", false)]
    public void Refusals_are_recognised_by_how_they_open(string reply, bool refusal) => Assert.Equal(refusal, Refusals.IsRefusal(reply));

    [Fact]
    public void Answer_styles_follow_their_weights_and_the_same_key_draws_the_same_style()
    {
        var mix = AnswerStyleMix.Parse("short=2, brief=1, detailed=0");
        var drawn = Enumerable.Range(0, 3000).Select(i => mix.Choose(5, $"image-{i}")).ToList();
        Assert.DoesNotContain(AnswerStyle.Detailed, drawn);
        Assert.InRange(drawn.Count(s => s == AnswerStyle.Short) / 3000.0, 0.62, 0.72);
        Assert.Equal(drawn, Enumerable.Range(0, 3000).Select(i => mix.Choose(5, $"image-{i}")));
        Assert.Equal("short=2,brief=1,detailed=0", mix.ToString());
    }

    [Theory]
    [InlineData("short=1,long=1")]
    [InlineData("short")]
    [InlineData("short=0,brief=0")]
    [InlineData("short=-1,brief=2")]
    public void Bad_style_mixes_are_refused(string text) => Assert.Throws<ArgumentException>(() => AnswerStyleMix.Parse(text));
}
