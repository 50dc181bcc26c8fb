using MMForge.Records;
using MMForge.Scoring;

namespace MMForge.Tests.Scoring;

public class PromptTemplateTests
{
    private static Sample Dialogue(params (string Role, string Value)[] turns)
    {
        var sample = new Sample { Id = "s" };
        foreach (var (role, value) in turns) sample.Turns.Add(new Turn(role, value));
        return sample;
    }

    [Fact]
    public void ChatMlWritesQwenTurnsWithTheDefaultSystemMessageAndKeepsImagePlaceholders()
    {
        var prompt = PromptTemplate.ChatMl.Render(Dialogue(("human", "<image>\nWhat is it?"), ("gpt", "A cat."), ("human", "Colour?"), ("gpt", "Red.")));

        Assert.Equal("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                     + "<|im_start|>user\n<image>\nWhat is it?<|im_end|>\n<|im_start|>assistant\nA cat.<|im_end|>\n"
                     + "<|im_start|>user\nColour?<|im_end|>\n<|im_start|>assistant\nRed.<|im_end|>\n", prompt.Text);
        Assert.Equal(["A cat.", "Red."], prompt.Answers.Select(range => prompt.Text[range]));
    }

    [Fact]
    public void ASystemTurnOfTheSampleReplacesTheDefaultOne()
    {
        var prompt = PromptTemplate.ChatMl.Render(Dialogue(("system", "Be brief."), ("human", "Hi"), ("gpt", "Hello")));

        Assert.StartsWith("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi", prompt.Text);
        Assert.DoesNotContain("helpful assistant", prompt.Text);
    }

    [Fact]
    public void ASampleWithoutAnswersHasNoAnswerSpans() =>
        Assert.Empty(PromptTemplate.Vicuna.Render(Dialogue(("human", "<image>\nDescribe."))).Answers);

    [Fact]
    public void AnUnknownTemplateNameListsTheKnownOnes() =>
        Assert.Contains("chatml, vicuna, plain", Assert.Throws<ArgumentException>(() => PromptTemplate.Named("llama")).Message);
}
