using System.Text;

namespace MMForge.Bench;

/// <summary>
/// Instruction + answer texts shaped like VQA samples (50–300 chars, about one in ten Chinese),
/// filled from templates so that unrelated texts share phrasing the way real QA data does, plus
/// planted near-duplicates: copies of earlier texts with one or two words replaced, inserted or
/// dropped, or their case and punctuation changed. Seeded, so every run measures the same texts.
/// </summary>
public static class QaTextGenerator
{
    private static readonly string[] Objects = Split("dog cat bus car truck bicycle motorcycle train boat airplane bench umbrella backpack suitcase frisbee kite skateboard surfboard bottle cup bowl banana apple sandwich pizza cake chair couch bed table laptop phone clock vase giraffe zebra elephant horse sheep cow bird oven sink refrigerator book scissors toothbrush tie handbag");
    private static readonly string[] Colors = Split("red blue green yellow black white brown orange pink purple gray silver");
    private static readonly string[] Places = Split("on the left|on the right|in the background|in the foreground|near the window|on the table|next to the road|under the tree|in the middle of the street|on the grass|beside the building|in the kitchen|at the beach|inside the room|on the shelf|by the fence|near the water|on the sidewalk|in the corner|behind the person", '|');
    private static readonly string[] People = Split("man woman boy girl child person skateboarder surfer player chef rider tourist");
    private static readonly string[] Activities = Split("riding a bike|holding an umbrella|playing tennis|eating lunch|looking at a phone|walking a dog|waiting for the bus|throwing a frisbee|reading a book|taking a photo|crossing the street|cooking dinner|flying a kite|sitting on a bench", '|');
    private static readonly string[] Reasons = Split("it is raining|they are on vacation|the weather is sunny|it is lunch time|they are practicing for a game|the street is busy|they are waiting for a friend|it is a weekend afternoon", '|');
    private static readonly string[] ChineseObjects = Split("狗 猫 公交车 汽车 自行车 火车 飞机 雨伞 背包 桌子 椅子 笔记本电脑 手机 时钟 花瓶 长颈鹿 斑马 大象 马 鸟");
    private static readonly string[] ChinesePlaces = Split("在左边 在右边 在背景中 在桌子上 在路边 在树下 在街道中间 在草地上 在厨房里 在海滩上");
    private static readonly string[] ChineseColors = Split("红色 蓝色 绿色 黄色 黑色 白色 棕色 橙色");
    private static readonly string[] ChineseReasons = Split("下过雨 用了很多年 放在室外 天气很热 经常被使用 刚刚搬过家");

    private static readonly string[] Adjectives = Split("small large old new wooden metal plastic bright dark shiny dirty clean tall short round square striped colorful empty crowded quiet busy modern rusty");
    private static readonly string[] Adverbs = Split("clearly probably quietly slowly carefully happily partly mostly nearly just");
    private static readonly string[] Times = Split("in the morning|at night|during the day|in the evening|on a cloudy day|in winter|in summer|after the rain", '|');

    /// <summary>Free text after the templates: word frequencies fall off as in real answers (Zipf), so frequent words are shared and rare ones are not.</summary>
    private static readonly Zipf<string> EnglishWords = new(
        Split("the a of and is in on to with it that are there this its as at by from for be can or which")
            .Concat(Objects).Concat(Colors).Concat(Adjectives).Concat(People).Concat(PseudoWords(4000)).ToArray());

    private static readonly Zipf<char> ChineseCharacters = new(CjkCharacters(1500));

    private static readonly Func<Random, string>[] Questions =
    [
        r => $"What color is the {Thing(r)} {Pick(r, Places)}?",
        r => $"How many {Pick(r, Objects)}s can be seen {Pick(r, Places)}?",
        r => $"What is the {Pick(r, People)} {Pick(r, Places)} doing?",
        r => $"Where is the {Thing(r)} located in the image?",
        r => $"Why might the {Pick(r, People)} be {Pick(r, Activities)} {Pick(r, Times)}?",
        r => $"Is there a {Thing(r)} {Pick(r, Places)}?",
        r => $"Describe the {Thing(r)} and the {Pick(r, People)} in the picture.",
        r => $"What is the {Pick(r, People)} holding in their {(r.Next(2) == 0 ? "left" : "right")} hand?",
        r => $"Can you tell what time of day it is from the {Thing(r)}?",
        r => $"Which object is closer to the camera, the {Thing(r)} or the {Thing(r)}?",
        r => $"What material does the {Thing(r)} seem to be made of?",
        r => $"What could happen next to the {Pick(r, People)} who is {Pick(r, Activities)}?",
    ];

    private static readonly Func<Random, string>[] AnswerSentences =
    [
        r => $"The {Thing(r)} is {Pick(r, Colors)} and sits {Pick(r, Places)}.",
        r => $"There are {r.Next(2, 40)} {Pick(r, Objects)}s {Pick(r, Places)} {Pick(r, Times)}.",
        r => $"A {Pick(r, Adjectives)} {Pick(r, People)} is {Pick(r, Adverbs)} {Pick(r, Activities)} {Pick(r, Places)}.",
        r => $"The {Pick(r, People)} is {Pick(r, Adverbs)} {Pick(r, Activities)} because {Pick(r, Reasons)}.",
        r => $"Yes, a {Thing(r)} can be seen {Pick(r, Places)}, next to a {Thing(r)}.",
        r => $"It looks like {Pick(r, Reasons)}, so the {Pick(r, People)} keeps the {Thing(r)} close.",
        r => $"The scene takes place {Pick(r, Times)}, and the {Thing(r)} is {Pick(r, Adverbs)} visible.",
        r => $"In total the image shows {r.Next(2, 40)} people and {r.Next(2, 40)} {Pick(r, Objects)}s.",
        r => $"The {Thing(r)} appears to be made of {(r.Next(2) == 0 ? "wood" : "metal")}, with a {Pick(r, Adjectives)} {Pick(r, Colors)} surface.",
        r => $"Behind it, a {Thing(r)} and a {Thing(r)} are {Pick(r, Adverbs)} hidden {Pick(r, Places)}.",
    ];

    public static (List<string> Texts, List<(int Original, int Copy)> Planted) Generate(int count, double plantedShare, int seed = 17)
    {
        var random = new Random(seed);
        var texts = new List<string>(count);
        var planted = new List<(int, int)>();
        while (texts.Count < count)
        {
            if (texts.Count > 1000 && random.NextDouble() < plantedShare)
            {
                var original = random.Next(texts.Count);
                planted.Add((original, texts.Count));
                texts.Add(NearCopy(random, texts[original]));
            }
            else texts.Add(random.NextDouble() < 0.1 ? Chinese(random) : English(random));
        }
        return (texts, planted);
    }

    /// <summary>A templated question, a templated first sentence, then free words up to a length of 50–300 chars.</summary>
    private static string English(Random random)
    {
        var text = new StringBuilder(Pick(random, Questions)(random)).Append('\n').Append(Pick(random, AnswerSentences)(random));
        var target = random.Next(50, 301);
        while (text.Length < target) text.Append(' ').Append(EnglishWords.Next(random));
        return text.ToString();
    }

    /// <summary>English words drawn by their frequency (Zipf) until the text is at least <paramref name="length"/> characters long.</summary>
    public static string FreeText(Random random, int length)
    {
        var text = new StringBuilder(length + 16).Append(EnglishWords.Next(random));
        while (text.Length < length) text.Append(' ').Append(EnglishWords.Next(random));
        return text.ToString();
    }

    private static readonly Func<Random, string>[] ChineseQuestions =
    [
        r => $"{Pick(r, ChinesePlaces)}的{Pick(r, ChineseObjects)}是什么颜色？",
        r => $"图片中一共有几个{Pick(r, ChineseObjects)}？",
        r => $"请描述{Pick(r, ChinesePlaces)}的{Pick(r, ChineseObjects)}和{Pick(r, ChineseObjects)}。",
        r => $"为什么{Pick(r, ChineseObjects)}会出现在{Pick(r, ChinesePlaces)[1..]}？",
    ];

    private static readonly Func<Random, string>[] ChineseAnswers =
    [
        r => $"{Pick(r, ChinesePlaces)}有一只{Pick(r, ChineseColors)}的{Pick(r, ChineseObjects)}，旁边还有{r.Next(2, 30)}个{Pick(r, ChineseObjects)}。",
        r => $"图片里可以看到{r.Next(2, 30)}个{Pick(r, ChineseObjects)}，其中一个是{Pick(r, ChineseColors)}的。",
        r => $"这个{Pick(r, ChineseObjects)}看起来很旧，可能是因为{Pick(r, ChineseReasons)}。",
        r => $"{Pick(r, ChineseObjects)}和{Pick(r, ChineseObjects)}都{Pick(r, ChinesePlaces)}，颜色分别是{Pick(r, ChineseColors)}和{Pick(r, ChineseColors)}。",
    ];

    private static string Chinese(Random random)
    {
        var text = new StringBuilder(Pick(random, ChineseQuestions)(random)).Append('\n');
        text.Append(Pick(random, ChineseAnswers)(random));
        for (var more = random.Next(0, 60); more > 0; more--) text.Append(ChineseCharacters.Next(random));
        return text.Append('。').ToString();
    }

    /// <summary>The kinds of change a re-crawled or lightly rewritten sample shows.</summary>
    private static string NearCopy(Random random, string text)
    {
        if (!text.Contains(' '))
        {
            // Chinese has no spaces: change one character instead of one word
            var at = random.Next(text.Length);
            return string.Concat(text.AsSpan(0, at), "新", text.AsSpan(at + 1));
        }
        var words = text.Split(' ').ToList();
        switch (random.Next(4))
        {
            case 0: words[random.Next(words.Count)] = Pick(random, Objects); break;
            case 1: words.Insert(random.Next(words.Count), Pick(random, Colors)); break;
            case 2 when words.Count > 3: words.RemoveAt(random.Next(words.Count)); break;
            default: return text.ToUpperInvariant().Replace("?", " ?").Replace(",", "");
        }
        return string.Join(' ', words);
    }

    /// <summary>An object with an adjective or a colour half the time, so texts on one template still differ in wording.</summary>
    private static string Thing(Random random) => random.Next(4) switch
    {
        0 => $"{Pick(random, Adjectives)} {Pick(random, Objects)}",
        1 => $"{Pick(random, Colors)} {Pick(random, Objects)}",
        _ => Pick(random, Objects),
    };

    private static IEnumerable<string> PseudoWords(int count)
    {
        var random = new Random(4000);
        for (var i = 0; i < count; i++)
            yield return new string(Enumerable.Range(0, random.Next(3, 11)).Select(_ => (char)('a' + random.Next(26))).ToArray());
    }

    private static char[] CjkCharacters(int count)
    {
        var random = new Random(1500);
        return Enumerable.Range(0, count).Select(_ => (char)random.Next(0x4E00, 0x9FA6)).ToArray();
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string[] Split(string list, char separator = ' ') => list.Split(separator);
}

/// <summary>Draws items with probability proportional to 1 / rank.</summary>
internal sealed class Zipf<T>(T[] items)
{
    private readonly double[] cumulative = Cumulative(items.Length);

    public T Next(Random random)
    {
        var at = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return items[Math.Min(at < 0 ? ~at : at, items.Length - 1)];
    }

    private static double[] Cumulative(int count)
    {
        var sums = new double[count];
        var sum = 0.0;
        for (var rank = 0; rank < count; rank++) sums[rank] = sum += 1.0 / (rank + 1);
        return sums;
    }
}
