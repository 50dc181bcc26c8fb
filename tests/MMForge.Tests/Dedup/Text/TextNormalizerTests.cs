using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup.Text;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("Today is Sunday and it's a happy day!", "today is sunday and its a happy day")]
    [InlineData("  What  is\tthe MAN\r\n holding? ", "what is the man holding")]
    [InlineData("a , b", "a b")]
    [InlineData("well-known (U.S.) \"facts\"", "wellknown us facts")]
    [InlineData("你好，请问你是谁？", "你好请问你是谁")]
    [InlineData("欢迎来到 阿里巴巴！", "欢迎来到 阿里巴巴")]
    [InlineData("?!... ,", "")]
    [InlineData("", "")]
    [InlineData("price: $16 + 5%", "price $16 + 5")]
    public void LowercasesDropsPunctuationAndCollapsesWhitespace(string text, string expected)
    {
        var destination = new char[text.Length];
        var length = TextNormalizer.Normalize(text, destination);
        Assert.Equal(expected, new string(destination, 0, length));
    }

    [Fact]
    public void RefusesADestinationShorterThanTheText() =>
        Assert.Throws<ArgumentException>(() => TextNormalizer.Normalize("abc", new char[2]));
}
