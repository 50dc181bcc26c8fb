using System.Text.Json;
using MMForge.Records;
using MMForge.Synthesis.Annotations;

namespace MMForge.Bench;

/// <summary>The size and seed of a <see cref="ScaledExample"/>; equal options give byte-identical files.</summary>
public sealed record ScaledExampleOptions(int Samples = 100_000, int SamplesPerImage = 4, int Seed = 1)
{
    public int Images => Math.Max(1, Samples / SamplesPerImage);
}

/// <summary>One generated input file, as a recipe source names it.</summary>
public sealed record ScaledSource(string File, string? Format, string Name);

/// <summary>What a generation wrote and planted (<c>example.json</c>): the cache key and the work it gives each stage.</summary>
public sealed record ScaledExampleSummary(
    int Version, ScaledExampleOptions Options, IReadOnlyList<ScaledSource> Sources, SortedDictionary<string, int> SamplesBySource,
    int Images, int ExactCopyImages, int NearCopyImages, int ChartImages, long ImageBytes,
    int DuplicateConversations, int DuplicatesOnCopiedImages, SortedDictionary<string, int> BrokenByKind, double GenerationSeconds);

/// <summary>
/// The example recipe's inputs at any scale: <see cref="ScaledExampleOptions.Samples"/> samples
/// over a pool of <see cref="ScaledExampleOptions.Images"/> real image files (several questions
/// per image, as in instruction data), in the example's formats: LLaVA JSON
/// (<see cref="LlavaShapedGenerator"/>'s record mix with <see cref="QaTextGenerator"/>'s word
/// frequencies, so unrelated long texts do not look alike), chat messages JSONL and Data-Juicer JSONL (texts from
/// <see cref="QaTextGenerator"/>), and COCO annotations with boxes and captions (the annotation
/// synthesis's input). Dedup gets work: conversations repeated on the same image or on a byte
/// copy or re-encode of it. Validation gets work: about 0.5% of records are broken (bad JSON,
/// missing image, wrong number of &lt;image&gt; placeholders). Written once per options into a
/// folder and reused from there.
/// </summary>
public static class ScaledExample
{
    /// <summary>Raise when the generated files change, so cached folders are regenerated.</summary>
    private const int Version = 3; // 3: the example's source names
    private const string SummaryFile = "example.json";
    public const double CocoShare = 0.08, BrokenShare = 0.005, RepeatedConversationShare = 0.005;

    private static readonly JsonSerializerOptions SummaryJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private enum Format { Llava, Messages, DataJuicer }

    private enum Broken { None, BadJson, MissingImage, ImageTokenCount }

    /// <summary>
    /// The example in <paramref name="dir"/>, generated first unless a summary of the same options
    /// is there (the image pool, the slow part, is reused on its own when only the records change).
    /// </summary>
    public static ScaledExampleSummary Open(string dir, string photos, ScaledExampleOptions options)
    {
        var summaryPath = Path.Combine(dir, SummaryFile);
        if (File.Exists(summaryPath) && JsonSerializer.Deserialize<ScaledExampleSummary>(File.ReadAllText(summaryPath), SummaryJson) is { } cached
            && cached.Version == Version && cached.Options == options)
            return cached;
        Directory.CreateDirectory(dir);
        File.Delete(summaryPath);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var images = ScaledImagePool.Write(dir, options.Images, photos, options.Seed);
        var summary = new RecordsWriter(dir, options, images).Write();
        summary = summary with { GenerationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
        File.WriteAllText(summaryPath, JsonSerializer.Serialize(summary, SummaryJson)); // last: its presence means complete
        return summary;
    }

    /// <summary>Plans every sample in one seeded pass and writes each to its format's file.</summary>
    private sealed class RecordsWriter(string dir, ScaledExampleOptions options, PoolImage[] images)
    {
        private readonly Random _random = new(options.Seed + 1);
        private readonly List<string> _texts = QaTextGenerator.Generate(options.Samples / 2 + 1000, plantedShare: 0.02, seed: options.Seed).Texts;
        private readonly SortedDictionary<string, int> _broken = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, int> _bySource = new(StringComparer.Ordinal);
        private int _repeated, _onCopies;

        public ScaledExampleSummary Write()
        {
            ScaledSource[] sources =
            [
                // the example's source names, so the recipe's stage mixes pick the scaled sources as they pick the example's
                new("llava.json", "llava", "llava-demo"),
                new("messages.jsonl", "messages", "chatml-demo"),
                new("datajuicer.jsonl", "datajuicer", "dj-images"),
                new("coco.json", null, "sahi-aerial"),
            ];
            var coco = Math.Min(images.Length, (int)Math.Round(options.Samples * CocoShare));
            WriteConversations(options.Samples - coco, sources);
            WriteCoco(coco, Path.Combine(dir, sources[3].File));
            _bySource[sources[3].Name] = coco;
            return new ScaledExampleSummary(Version, options, sources, _bySource,
                images.Length, images.Count(i => i.IsCopy && i.Exact), images.Count(i => i.IsCopy && !i.Exact),
                images.Count(i => i.Path.EndsWith(".png", StringComparison.Ordinal) && !i.IsCopy),
                images.Sum(i => new FileInfo(Path.Combine(dir, i.Path)).Length),
                _repeated, _onCopies, _broken, 0);
        }

        private void WriteConversations(int count, ScaledSource[] sources)
        {
            using var llava = new FileStream(Path.Combine(dir, sources[0].File), FileMode.Create);
            using var llavaJson = new Utf8JsonWriter(llava, new JsonWriterOptions { Indented = true, Encoder = JsonText.WriterOptions.Encoder });
            using var messages = new JsonLinesFile(Path.Combine(dir, sources[1].File));
            using var dataJuicer = new JsonLinesFile(Path.Combine(dir, sources[2].File));
            llavaJson.WriteStartArray();
            // per format, the conversation first asked about each image, and every conversation so far
            var firstOnImage = new[] { new Dictionary<int, int>(), new Dictionary<int, int>(), new Dictionary<int, int>() };
            var asked = new[] { new List<(int Text, int Image)>(), new List<(int, int)>(), new List<(int, int)>() };
            for (var s = 0; s < count; s++)
            {
                var roll = _random.NextDouble();
                var format = roll < 0.60 ? Format.Llava : roll < 0.84 ? Format.Messages : Format.DataJuicer;
                var broken = _random.NextDouble() < BrokenShare ? Break(format) : Broken.None;
                var (text, image) = (s, _random.Next(images.Length));
                var pool = images[image];
                if (pool.IsCopy && firstOnImage[(int)format].TryGetValue(pool.CopyOf, out var earlier) && _random.Next(2) == 0)
                {
                    text = earlier; // the same question about a copy of the picture
                    _onCopies++;
                }
                else if (asked[(int)format].Count > 0 && _random.NextDouble() < RepeatedConversationShare)
                {
                    (text, image) = asked[(int)format][_random.Next(asked[(int)format].Count)];
                    _repeated++;
                }
                if (broken == Broken.None)
                {
                    firstOnImage[(int)format].TryAdd(images[image].IsCopy ? images[image].CopyOf : image, text);
                    asked[(int)format].Add((text, image));
                }
                var path = broken == Broken.MissingImage ? $"images/missing/{s:D7}.jpg" : images[image].Path;
                var tokens = broken == Broken.ImageTokenCount ? 2 : 1;
                var source = sources[(int)format].Name;
                _bySource[source] = _bySource.GetValueOrDefault(source) + 1;
                var hasImage = true;
                switch (format)
                {
                    case Format.Llava:
                        hasImage = false; // text-only kinds never ask for their image
                        LlavaShapedGenerator.WriteRecord(llavaJson, TextRandom(text), s, () => { hasImage = true; return path; }, tokens, QaTextGenerator.FreeText);
                        break;
                    case Format.Messages: messages.Write(json => hasImage = Messages(json, s, text, path, tokens), broken == Broken.BadJson); break;
                    default: dataJuicer.Write(json => DataJuicer(json, text, path, tokens), broken == Broken.BadJson); break;
                }
                // a broken image reference in a record without an image breaks nothing
                if (broken == Broken.BadJson || (broken != Broken.None && hasImage))
                    _broken[broken.ToString()] = _broken.GetValueOrDefault(broken.ToString()) + 1;
            }
            llavaJson.WriteEndArray();
        }

        /// <summary>
        /// The draws of conversation <paramref name="text"/>: a repeated conversation is the same
        /// number drawn again. Offset by the seed so other seeds give other texts (seed 1 adds
        /// nothing, keeping the texts docs/benchmarks.md was measured on).
        /// </summary>
        private Random TextRandom(int text) => new(unchecked((options.Seed - 1) * 1_000_003 + text));

        /// <summary>A LLaVA array cannot hold a syntax error without losing the rest of the file, so only JSON Lines get bad JSON.</summary>
        private Broken Break(Format format) => format == Format.Llava
            ? (Broken)_random.Next(2, 4)
            : (Broken)_random.Next(1, 4);

        /// <summary>(question, answer) of a generated text: its first line and the rest (its halves, if a near copy changed the line break).</summary>
        private (string Question, string Answer) Pair(Random random)
        {
            var text = _texts[random.Next(_texts.Count)];
            var cut = text.IndexOf('\n') is var line and >= 0 ? line : text.Length / 2;
            return (text[..cut], text[(cut + 1)..]);
        }

        /// <summary>
        /// A chat record: 1–3 question/answer pairs, one in ten without an image; all of it follows
        /// from <paramref name="text"/>. Returns whether it has an image.
        /// </summary>
        private bool Messages(Utf8JsonWriter json, int s, int text, string image, int tokens)
        {
            var random = TextRandom(text);
            var withImage = random.Next(10) > 0;
            json.WriteStartObject();
            json.WriteString("id", $"msg-{s:D7}");
            json.WriteStartArray("messages");
            var pairs = random.Next(1, 4);
            for (var pair = 0; pair < pairs; pair++)
            {
                var (question, answer) = Pair(random);
                Message(json, "user", (withImage && pair == 0 ? Placeholders("<image>", tokens) : "") + question);
                Message(json, "assistant", answer);
            }
            json.WriteEndArray();
            if (withImage)
            {
                json.WriteStartArray("images");
                json.WriteStringValue(image);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            return withImage;
        }

        private static void Message(Utf8JsonWriter json, string role, string content)
        {
            json.WriteStartObject();
            json.WriteString("role", role);
            json.WriteString("content", content);
            json.WriteEndObject();
        }

        /// <summary>A Data-Juicer record: one image and a caption (the answer of a generated text).</summary>
        private void DataJuicer(Utf8JsonWriter json, int text, string image, int tokens)
        {
            json.WriteStartObject();
            json.WriteStartArray("images");
            json.WriteStringValue(image);
            json.WriteEndArray();
            json.WriteString("text", Placeholders("<__dj__image> ", tokens) + Pair(TextRandom(text)).Answer);
            json.WriteEndObject();
        }

        private static string Placeholders(string token, int count) => string.Concat(Enumerable.Repeat(token, count));

        /// <summary>COCO instances and captions in one file: <paramref name="count"/> distinct pool images, 0–8 boxes and 2–5 captions each.</summary>
        private void WriteCoco(int count, string file)
        {
            var chosen = Enumerable.Range(0, images.Length).ToArray();
            _random.Shuffle(chosen);
            using var stream = new FileStream(file, FileMode.Create);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JsonText.WriterOptions.Encoder });
            json.WriteStartObject();
            json.WriteStartArray("images");
            foreach (var k in chosen.Take(count))
            {
                json.WriteStartObject();
                json.WriteNumber("id", k);
                json.WriteString("file_name", images[k].Path);
                json.WriteNumber("width", images[k].Width);
                json.WriteNumber("height", images[k].Height);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("annotations");
            var id = 0;
            foreach (var k in chosen.Take(count))
            {
                var (width, height) = (images[k].Width, images[k].Height);
                for (var box = _random.Next(0, 9); box > 0; box--)
                {
                    int w = _random.Next(8, width / 2), h = _random.Next(8, height / 2);
                    json.WriteStartObject();
                    json.WriteNumber("id", ++id);
                    json.WriteNumber("image_id", k);
                    json.WriteNumber("category_id", 1 + _random.Next(CocoCategories.Names.Count));
                    json.WriteStartArray("bbox");
                    foreach (var v in new[] { _random.Next(width - w), _random.Next(height - h), w, h }) json.WriteNumberValue(v);
                    json.WriteEndArray();
                    json.WriteNumber("area", w * h);
                    json.WriteNumber("iscrowd", 0);
                    json.WriteEndObject();
                }
                for (var caption = _random.Next(2, 6); caption > 0; caption--)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", ++id);
                    json.WriteNumber("image_id", k);
                    json.WriteString("caption", Pair(_random).Answer);
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteStartArray("categories");
            for (var c = 0; c < CocoCategories.Names.Count; c++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", c + 1);
                json.WriteString("name", CocoCategories.Names[c]);
                json.WriteString("supercategory", "object");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    /// <summary>A JSON Lines file written one record at a time; a record can be cut in half to make a line that does not parse.</summary>
    private sealed class JsonLinesFile(string path) : IDisposable
    {
        private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        private readonly MemoryStream _line = new();

        public void Write(Action<Utf8JsonWriter> record, bool truncate)
        {
            _line.SetLength(0);
            using (var json = new Utf8JsonWriter(_line, new JsonWriterOptions { Encoder = JsonText.WriterOptions.Encoder })) record(json);
            _file.Write(_line.GetBuffer(), 0, (int)(truncate ? _line.Length / 2 : _line.Length));
            _file.WriteByte((byte)'\n');
        }

        public void Dispose() => _file.Dispose();
    }
}
