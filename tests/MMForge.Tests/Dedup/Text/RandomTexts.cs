namespace MMForge.Tests.Dedup.Text;

/// <summary>Seeded word-salad texts and edited copies of them, for similarity tests.</summary>
internal sealed class RandomTexts(int seed)
{
    private readonly Random random = new(seed);

    public string Word() => new(Enumerable.Range(0, random.Next(2, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray());

    public string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Word()));

    /// <summary><paramref name="text"/> with <paramref name="edits"/> words replaced by new random ones.</summary>
    public string Edit(string text, int edits)
    {
        var words = text.Split(' ');
        for (var e = 0; e < edits; e++) words[random.Next(words.Length)] = Word();
        return string.Join(' ', words);
    }

    public int Next(int min, int max) => random.Next(min, max);
}
