using MMForge.Models;
using MMForge.Synthesis.Llm;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis.Llm;

/// <summary>The shipped templates of the llm generator and their replacement from a prompt directory.</summary>
public class LlmPromptTests
{
    private static string Shipped(string name) =>
        File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src", "MMForge", "Synthesis", "Prompts", $"llm-{name}.txt"));

    [Theory]
    [InlineData("conversation", 6)]
    [InlineData("detailed-description", 1)]
    [InlineData("complex-reasoning", 1)]
    public void Each_few_shot_example_is_a_reply_the_generator_accepts(string kind, int pairs)
    {
        // a model copies the style of its examples: they must pass every check a reply must pass
        var template = Shipped(kind);
        var example = template[template.IndexOf("Output:", StringComparison.Ordinal)..template.IndexOf("Now the image", StringComparison.Ordinal)];

        var result = new ReplyReader(["Describe this image."], 0).Read(kind, example, "key");

        Assert.Empty(result.Dropped);
        Assert.Equal(pairs, result.Pairs.Count);
    }

    [Fact]
    public void A_prompt_directory_replaces_a_template_and_changes_the_version()
    {
        using var dir = TestPaths.NewTempDir();
        var client = new ModelClient([new ModelEndpoint(new Uri("http://127.0.0.1:9/v1"), "m")]);
        var shipped = new LlmContextGenerator(client).PromptsVersion;
        File.WriteAllText(dir.File("llm-description-instructions.txt"), "Tell me everything about this picture.\n\n");

        var replaced = new LlmContextGenerator(client, new LlmGeneratorOptions { PromptDirectory = dir.Path });

        Assert.NotEqual(shipped, replaced.PromptsVersion);
        Assert.Equal(replaced.PromptsVersion, (string?)replaced.Parameters["prompts"]);

        File.WriteAllText(dir.File("llm-description-instructions.txt"), "  \n");
        var error = Assert.Throws<ArgumentException>(() => new LlmContextGenerator(client, new LlmGeneratorOptions { PromptDirectory = dir.Path }));
        Assert.Contains("llm-description-instructions.txt lists no instruction", error.Message);

        File.Delete(dir.File("llm-description-instructions.txt"));
        File.WriteAllText(dir.File("llm-conversation.txt"), "Write a conversation about the image.");
        error = Assert.Throws<ArgumentException>(() => new LlmContextGenerator(client, new LlmGeneratorOptions { PromptDirectory = dir.Path }));
        Assert.Contains("{context}", error.Message);
    }
}
