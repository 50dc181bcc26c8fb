using System.Text;
using System.Text.Json;
using MMForge.Records;

namespace MMForge.Bench;

/// <summary>
/// Writes a JSON array shaped like LLaVA-v1.5-mix665k: the same fields and a similar mix of
/// record kinds and lengths (many short multi-turn VQA records, long instruction answers,
/// region/box questions, text-only ShareGPT dialogues without an image, string and integer
/// ids), pretty-printed one key per line as json.dump(indent=2) writes it. Seeded, so every run
/// measures the same bytes.
/// </summary>
public static class LlavaShapedGenerator
{
    private static readonly string[] Words =
        "the a image shows person people man woman dog cat bus car street table sign red white blue green black large small two three left right top bottom of in on with near and is are what color how many where why which does this that there picture photo background front holding sitting standing wearing".Split(' ');

    public static long Write(string path, int records, string imageDir, int distinctImages, int seed = 665)
    {
        var random = new Random(seed);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = JsonText.WriterOptions.Encoder });
        json.WriteStartArray();
        for (var i = 0; i < records; i++) WriteRecord(json, random, i, () => $"{imageDir}/{random.Next(distinctImages):D12}.jpg");
        json.WriteEndArray();
        json.Flush();
        return file.Length;
    }

    /// <summary>
    /// One record, its kind and texts drawn from <paramref name="random"/>: the same seed gives the
    /// same conversation. <paramref name="image"/> names the image of a kind that has one;
    /// <paramref name="imageTokens"/> is how many &lt;image&gt; placeholders its first question gets.
    /// <paramref name="text"/> makes a text of a given length (default: words of a 60-word
    /// vocabulary, which is enough to parse but makes long texts look alike to near-duplicate search).
    /// </summary>
    public static void WriteRecord(Utf8JsonWriter json, Random random, int index, Func<string> image, int imageTokens = 1, Func<Random, int, string>? text = null)
    {
        text ??= Sentence;
        var kind = random.NextDouble();
        json.WriteStartObject();
        if (kind < 0.04) json.WriteNumber("id", index);
        else json.WriteString("id", index.ToString("D12"));
        var textOnly = kind > 0.94;
        if (!textOnly) json.WriteString("image", image());
        json.WriteStartArray("conversations");
        var (pairs, question, answer) = kind switch
        {
            < 0.55 => (random.Next(1, 16), (40, 90), (1, 24)),    // VQA: many short turns
            < 0.80 => (random.Next(1, 6), (50, 130), (200, 1000)), // LLaVA instruct: long answers
            < 0.94 => (random.Next(1, 9), (40, 80), (20, 60)),    // region/box questions
            _ => (random.Next(1, 9), (60, 400), (500, 3000)),     // ShareGPT text-only
        };
        for (var p = 0; p < pairs; p++)
        {
            var q = text(random, random.Next(question.Item1, question.Item2));
            if (kind is >= 0.80 and < 0.94) q += $" [{random.NextDouble():F2}, {random.NextDouble():F2}, {random.NextDouble():F2}, {random.NextDouble():F2}]";
            Turn(json, "human", p == 0 && !textOnly ? string.Concat(Enumerable.Repeat("<image>\n", imageTokens)) + q : q);
            Turn(json, "gpt", text(random, random.Next(answer.Item1, answer.Item2)));
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Turn(Utf8JsonWriter json, string role, string value)
    {
        json.WriteStartObject();
        json.WriteString("from", role);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static string Sentence(Random random, int length)
    {
        var s = new StringBuilder(length + 16);
        while (s.Length < length) s.Append(Words[random.Next(Words.Length)]).Append(' ');
        s.Length = length;
        return s.ToString().TrimEnd() + (length > 30 ? "." : "");
    }
}
