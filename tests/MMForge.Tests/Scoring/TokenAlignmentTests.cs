using MMForge.Scoring;

namespace MMForge.Tests.Scoring;

public class TokenAlignmentTests
{
    private static (int, int)[] Spans(string prompt, params string[] tokens) =>
        [.. TokenAlignment.Align(prompt, tokens).Select(r => (r.Start.Value, r.End.Value))];

    [Fact]
    public void TokensThatSpellThePromptCoverTheirOwnCharacters() =>
        Assert.Equal([(0, 5), (5, 11)], Spans("Hello world", "Hello", " world"));

    [Fact]
    public void ABosTokenTheServerAddsCoversNothing() =>
        Assert.Equal([(0, 0), (0, 5), (5, 11)], Spans("Hello world", "<s>", "Hello", " world"));

    [Fact]
    public void ASpaceDroppedWhenATokenIsDecodedAloneGoesWithThatToken() =>
        Assert.Equal([(0, 5), (5, 11)], Spans("Hello world", "Hello", "world"));

    [Fact]
    public void BytePiecesOfACharacterCoverThatCharacterAndTheNextTokenStartsAfterIt()
    {
        // "🐱" is two UTF-16 units (one code point): a byte-level tokenizer splits its 4 UTF-8 bytes
        // over two tokens, each decoded alone as U+FFFD.
        const string prompt = "I \U0001F431 you";

        Assert.Equal([(0, 1), (1, 4), (2, 4), (4, 8)], Spans(prompt, "I", " \uFFFD", "\uFFFD", " you"));
    }

    [Fact]
    public void TokensGeneratedAfterThePromptCoverNothingAtItsEnd() =>
        Assert.Equal([(0, 5), (5, 11), (11, 11)], Spans("Hello world", "Hello", " world", " The"));

    [Fact]
    public void TokensOfAnotherTextAreRefusedWithWhereTheyStopFitting()
    {
        var error = Assert.Throws<FormatException>(() => Spans("Hello world", "Hello", " there"));

        Assert.Contains("token 1 \" there\"", error.Message);
        Assert.Contains("character 5", error.Message);
    }
}
