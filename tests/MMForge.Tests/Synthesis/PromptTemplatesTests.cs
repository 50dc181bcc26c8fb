using MMForge.Synthesis;
using MMForge.Synthesis.Vlm;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis;

public sealed class PromptTemplatesTests
{
    private static PromptTemplates Vlm(string? dir = null) => new(InfinityMmGenerator.GeneratorName, InfinityMmGenerator.Prompts, dir);

    [Fact]
    public void The_shipped_templates_load_and_fill_their_placeholders_in_one_pass()
    {
        var prompts = Vlm();
        Assert.Matches("^vlm@[0-9a-f]{12}$", prompts.Version);
        var score = prompts.Render("score", ("question", "What is {answer}?"), ("answer", "a {question}"));
        Assert.Contains("Question: What is {answer}?", score);
        Assert.Contains("Answer: a {question}", score);
        Assert.Contains("{\"score\": N}", score); // JSON braces are text
    }

    [Fact]
    public void A_file_in_the_prompt_directory_replaces_the_shipped_template_and_changes_the_version()
    {
        using var dir = TestPaths.NewTempDir();
        File.WriteAllText(dir.File("vlm-relevance.txt"), "Rate {question} from 1 to 10.");
        var prompts = Vlm(dir.Path);
        Assert.Equal("Rate Why? from 1 to 10.", prompts.Render("relevance", ("question", "Why?")));
        Assert.NotEqual(Vlm().Version, prompts.Version);
        Assert.Equal(Vlm().Render("score", ("question", "q"), ("answer", "a")), prompts.Render("score", ("question", "q"), ("answer", "a")));
    }

    [Theory]
    [InlineData("vlm-relevance.txt", "Rate {question} for {image}.", "uses {image}")]
    [InlineData("vlm-score.txt", "Score the answer {answer}.", "leaves out {question}")]
    [InlineData("vlm-scoring.txt", "anything", "replaces no vlm template")]
    public void A_template_that_does_not_fit_is_refused_when_loaded_naming_the_file(string file, string text, string reason)
    {
        using var dir = TestPaths.NewTempDir();
        File.WriteAllText(dir.File(file), text);
        var error = Assert.Throws<ArgumentException>(() => Vlm(dir.Path));
        Assert.Contains(reason, error.Message);
        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void A_missing_prompt_directory_is_an_error()
    {
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => Vlm("/nonexistent/prompts")).Message);
    }
}
