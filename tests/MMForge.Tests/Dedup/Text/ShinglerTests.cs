using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup.Text;

public class ShinglerTests
{
    private static ulong[] Hashes(Shingler shingler, string normalized)
    {
        var hashes = new ulong[normalized.Length];
        return hashes[..shingler.Hash(normalized, hashes)];
    }

    [Fact]
    public void CharacterShinglesOverlapAndHashByContent()
    {
        var shingler = new Shingler(ShingleKind.Characters, 3);
        var abcab = Hashes(shingler, "abcab"); // abc, bca, cab
        Assert.Equal(3, abcab.Length);
        Assert.Equal(Hashes(shingler, "cab")[0], abcab[2]);
        Assert.Equal(Hashes(shingler, "xabc")[1], abcab[0]);
        Assert.Equal(3, abcab.Distinct().Count());
    }

    [Fact]
    public void ChineseCharactersShingleLikeAnyOther()
    {
        var shingler = new Shingler(ShingleKind.Characters, 5);
        var hashes = Hashes(shingler, "你好请问你是谁"); // 7 chars: 3 five-grams
        Assert.Equal(3, hashes.Length);
        Assert.Equal(Hashes(shingler, "请问你是谁")[0], hashes[2]);
    }

    [Theory]
    [InlineData(ShingleKind.Characters, "hey")]
    [InlineData(ShingleKind.Words, "hi there")]
    public void AShortTextIsOneShingleAndAnEmptyOneNone(ShingleKind kind, string shortText)
    {
        var shingler = new Shingler(kind, 5);
        Assert.Single(Hashes(shingler, shortText));
        Assert.Empty(Hashes(shingler, ""));
        Assert.NotEqual(Hashes(shingler, shortText)[0], Hashes(shingler, shortText + "x")[0]);
    }

    [Fact]
    public void WordShinglesAreRunsOfWholeWords()
    {
        var shingler = new Shingler(ShingleKind.Words, 2);
        var hashes = Hashes(shingler, "the cat sat"); // "the cat", "cat sat"
        Assert.Equal(2, hashes.Length);
        Assert.Equal(Hashes(shingler, "cat sat")[0], hashes[1]);
        Assert.NotEqual(Hashes(shingler, "thec atsat")[0], hashes[0]);
    }
}
