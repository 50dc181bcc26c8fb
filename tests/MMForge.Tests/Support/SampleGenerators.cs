using FsCheck;
using FsCheck.Fluent;
using MMForge.Formats.Codecs;
using MMForge.Records;

namespace MMForge.Tests.Support;

/// <summary>What a dialogue generator may produce, so each format's tests ask for exactly what the format can express.</summary>
public sealed record DialogueShape
{
    public int MaxImages { get; init; } = 3;

    /// <summary>A leading system turn in some samples.</summary>
    public bool SystemTurn { get; init; }

    /// <summary>Unknown keys on turn objects (per-turn loss weights and the like).</summary>
    public bool TurnExtras { get; init; }

    /// <summary>Pairs of other roles that may replace a human/gpt pair (e.g. function_call/observation).</summary>
    public (string First, string Second)? OtherPair { get; init; }

    /// <summary>Numeric ids (written as JSON numbers) besides string ids.</summary>
    public bool NumericIds { get; init; } = true;

    /// <summary>Images held as bytes only (data URLs, WebDataset members) besides paths.</summary>
    public bool EmbeddedImages { get; init; }
}

/// <summary>
/// FsCheck generators of unified samples: text with Chinese, emoji and characters JSON must
/// escape; string or numeric ids; 0..3 images with one <c>&lt;image&gt;</c> placeholder each;
/// 1..4 turn pairs; extra fields of every JSON type under keys no format claims. Build on
/// <see cref="Dialogue"/> and the pieces for format-specific samples.
/// </summary>
public static class SampleGenerators
{
    private static readonly string[] TextPieces =
    [
        "hello", "the cat", " ", "世界", "图片里有什么？", "🙂", "👩‍💻", "𝕏", "é", "\"quoted\"", "back\\slash",
        "\n", "\t", "a/b", "<b>", "1.5", "&amp;", "\u2028", "\u0001", "null",
    ];

    private static readonly string[] Paths =
    [
        "a.jpg", "coco/train2017/000000000139.jpg", "图片/猫.png", "dir with space/x 1.jpeg", "../rel/img.png", "🙂.webp",
    ];

    /// <summary>Keys that no codec models, so extras never collide with a format's own fields.</summary>
    private static readonly string[] ExtraKeys = ["lang", "quality_note", "meta", "备注", "x-origin", "nested", "n"];

    public static Gen<string> Text { get; } =
        Gen.Choose(0, 6).SelectMany(n => Gen.Elements(TextPieces).ArrayOf(n)).Select(string.Concat);

    public static Gen<string> NonEmptyText { get; } = Text.Where(t => t.Length > 0);

    public static Gen<string> ImagePath { get; } = Gen.Elements(Paths);

    public static Gen<int> SmallInt { get; } = Gen.Choose(-1000, 1_000_000);

    /// <summary>Doubles that are exact in binary, so printing and parsing them changes nothing.</summary>
    public static Gen<double> ExactDouble { get; } = Gen.Choose(-100_000, 100_000).Select(i => i / 64.0);

    public static Gen<ulong> UInt64 { get; } =
        Gen.Choose(0, 0xFFFF).ArrayOf(4).Select(parts => parts.Aggregate(0UL, (acc, p) => (acc << 16) | (uint)p));

    public static Gen<byte[]> ImageBytes { get; } =
        from png in Gen.Elements(true, false)
        from body in Gen.Choose(0, 255).ArrayOf(16)
        select (png ? [0x89, (byte)'P', (byte)'N', (byte)'G'] : Array.Empty<byte>()).Concat(body.Select(b => (byte)b)).ToArray();

    /// <summary>A JSON value as compact text (the form <see cref="ExtraFields"/> stores), of any type, nested up to <paramref name="depth"/>.</summary>
    public static Gen<string> JsonValue(int depth = 2)
    {
        var scalars = Gen.OneOf(
            Gen.Constant("null"), Gen.Constant("true"), Gen.Constant("false"),
            SmallInt.Select(i => JsonText.Write(w => w.WriteNumberValue(i))),
            ExactDouble.Select(d => JsonText.Write(w => w.WriteNumberValue(d))),
            Text.Select(t => JsonText.Write(w => w.WriteStringValue(t))));
        if (depth == 0) return scalars;
        var inner = JsonValue(depth - 1);
        var array = Gen.Choose(0, 3).SelectMany(n => inner.ArrayOf(n)).Select(items => "[" + string.Join(",", items) + "]");
        var obj = Gen.SubListOf(ExtraKeys).SelectMany(keys => inner.ArrayOf(keys.Count).Select(values =>
            "{" + string.Join(",", keys.Zip(values, (k, v) => JsonText.Write(w => w.WriteStringValue(k)) + ":" + v)) + "}"));
        return Gen.Frequency((4, scalars), (1, array), (1, obj));
    }

    /// <summary>0..3 extra fields with distinct keys.</summary>
    public static Gen<ExtraFields> Extras { get; } =
        Gen.SubListOf(ExtraKeys).Select(keys => keys.Take(3).ToList())
            .SelectMany(keys => JsonValue().ArrayOf(keys.Count).Select(values =>
            {
                var extra = new ExtraFields();
                for (var i = 0; i < keys.Count; i++) extra.Set(keys[i], values[i]);
                return extra;
            }));

    public static Gen<(string Id, bool IsNumber)> Id(bool numeric = true) =>
        numeric
            ? Gen.OneOf(Text.Select(t => (t, false)), SmallInt.Select(i => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), true)))
            : Text.Select(t => (t, false));

    public static Gen<ImageRef> Image(bool embedded) =>
        embedded
            ? Gen.OneOf(ImagePath.Select(p => ImageRef.FromPath(p)), ImageBytes.Select(b => new ImageRef { Bytes = b }))
            : ImagePath.Select(p => ImageRef.FromPath(p));

    /// <summary>A dialogue sample: LLaVA-expressible by default, widened by <paramref name="shape"/>.</summary>
    public static Gen<Sample> Dialogue(DialogueShape? shape = null)
    {
        shape ??= new DialogueShape();
        return from id in Id(shape.NumericIds)
               from images in Gen.Choose(0, shape.MaxImages).SelectMany(n => Image(shape.EmbeddedImages).ArrayOf(n))
               from turns in Turns(shape, images.Length)
               from extra in Extras
               select Build(id, images, turns, extra);
    }

    private static Sample Build((string Id, bool IsNumber) id, ImageRef[] images, List<Turn> turns, ExtraFields extra)
    {
        var sample = new Sample { Id = id.Id, IdIsNumber = id.IsNumber };
        sample.Images.AddRange(images);
        sample.Turns.AddRange(turns);
        foreach (var (k, v) in extra) sample.Extra.Set(k, v);
        return sample;
    }

    /// <summary>1..4 turn pairs; the placeholders of <paramref name="imageCount"/> images sit inside first-role turns.</summary>
    public static Gen<List<Turn>> Turns(DialogueShape shape, int imageCount) =>
        from pairCount in Gen.Choose(1, 4)
        from pairs in Pair(shape).ArrayOf(pairCount)
        from owners in Gen.Choose(0, pairCount - 1).ArrayOf(imageCount)
        from system in shape.SystemTurn ? Gen.Elements(true, false) : Gen.Constant(false)
        from systemText in Text
        select Assemble(pairs, owners, system ? systemText : null);

    private static Gen<(Turn First, Turn Second, string Tail)> Pair(DialogueShape shape)
    {
        var roles = shape.OtherPair is { } other
            ? Gen.Frequency((3, Gen.Constant((Roles.Human, Roles.Gpt))), (1, Gen.Constant(other)))
            : Gen.Constant((Roles.Human, Roles.Gpt));
        var turnExtra = shape.TurnExtras ? Extras.Select(e => e.Count > 0 ? e : null).OrNull() : Gen.Constant<ExtraFields?>(null);
        return from r in roles
               from question in Text
               from tail in Text
               from answer in Text
               from extra in turnExtra
               select (new Turn(r.Item1, question) { Extra = extra }, new Turn(r.Item2, answer), tail);
    }

    private static List<Turn> Assemble((Turn First, Turn Second, string Tail)[] pairs, int[] owners, string? system)
    {
        var turns = new List<Turn>();
        if (system is not null) turns.Add(new Turn(Roles.System, system));
        for (var i = 0; i < pairs.Length; i++)
        {
            var (first, second, tail) = pairs[i];
            var placeholders = string.Concat(Enumerable.Repeat(Sample.ImageToken, owners.Count(o => o == i)));
            first.Value = first.Value + placeholders + (placeholders.Length > 0 ? tail : "");
            turns.Add(first);
            turns.Add(second);
        }
        return turns;
    }

    /// <summary>A text-only sample (captions, interleaved documents): text with one placeholder per image, no turns.</summary>
    public static Gen<Sample> TextDocument(bool numericIds = true) =>
        from id in Id(numericIds)
        from images in Gen.Choose(0, 3).SelectMany(n => ImagePath.ArrayOf(n))
        from chunks in Text.ArrayOf(images.Length + 1)
        from extra in Extras
        select WithText(Build(id, images.Select(p => ImageRef.FromPath(p)).ToArray(), [], extra),
            string.Join(Sample.ImageToken, chunks));

    private static Sample WithText(Sample sample, string text)
    {
        sample.Text = text;
        return sample;
    }

    /// <summary>Infinity-MM samples: a source, RAM++ tags with or without scores, a phash on every image, a qw2vl_loss.</summary>
    public static Gen<Sample> InfinityMm { get; } =
        from sample in Dialogue()
        from source in Text.OrNull()
        from tags in Gen.Choose(0, 4).SelectMany(n => NonEmptyText.ArrayOf(n))
        from scores in ExactDouble.ArrayOf(tags.Length).OrNull()
        from phashes in UInt64.ArrayOf(sample.Images.Count)
        from loss in Maybe(ExactDouble)
        select Decorate(sample, s =>
        {
            s.Source = source;
            for (var i = 0; i < tags.Length; i++) s.ImageTags.Add(new ImageTag(tags[i], scores?[i], InfinityMmCodec.Tagger));
            for (var i = 0; i < phashes.Length; i++) s.Images[i].Phash = phashes[i];
            if (loss is { } l) s.Scores[InfinityMmCodec.LossScore] = l;
        });

    /// <summary>Samples using every unified field, as only the mmforge format can carry them.</summary>
    public static Gen<Sample> Unified { get; } =
        from sample in Dialogue(new DialogueShape { SystemTurn = true, TurnExtras = true, EmbeddedImages = true, OtherPair = ("function_call", "observation") })
        from source in Text.OrNull()
        from text in Text.OrNull()
        from hashes in UInt64.ArrayOf(sample.Images.Count)
        from sizes in Gen.Choose(1, 4096).ArrayOf(2 * sample.Images.Count)
        from imageTags in Gen.Choose(0, 3).SelectMany(n => Gen.Zip(NonEmptyText, Maybe(ExactDouble), (tag, score) => (tag, score)).ArrayOf(n))
        from instructionTags in Gen.Choose(0, 2).SelectMany(n => Gen.Elements("perception/ocr", "reasoning/math/geometry", "captioning").ArrayOf(n))
        from scores in Gen.Choose(0, 2).SelectMany(n => Gen.Zip(Gen.Elements("clip", "qw2vl_loss", "judge"), ExactDouble, (name, value) => (name, value)).ArrayOf(n))
        from captions in Text.ArrayOf(2)
        from tokens in Gen.Choose(0, 20000).ArrayOf(2)
        from box in Gen.Choose(0, 100).ArrayOf(4)
        select Decorate(sample, s =>
        {
            s.Source = source;
            s.Text = text;
            for (var i = 0; i < s.Images.Count; i++)
            {
                var image = s.Images[i];
                image.Phash = hashes[i];
                image.Width = sizes[2 * i];
                image.Height = sizes[2 * i + 1];
                image.Root = image.Path is null ? null : "images";
                image.Sha256 = i % 2 == 0 ? null : new string('a', 64);
                image.Format = image.Bytes is null ? null : "png";
            }
            foreach (var (tag, score) in imageTags) s.ImageTags.Add(new ImageTag(tag, score, "ram++"));
            foreach (var path in instructionTags) s.InstructionTags.Add(new InstructionTag(path, 0.5, "vlm"));
            foreach (var (name, value) in scores) s.Scores[name] = value;
            if (s.Images.Count > 0) (s.VisualTokens["internvl"], s.VisualTokens["llava-onevision"]) = (tokens[0], tokens[1]);
            if (box[0] % 2 == 0)
            {
                s.Annotations = new Annotations();
                s.Annotations.Captions.AddRange(captions);
                s.Annotations.Boxes.Add(new Box("dog", box.Select(b => (double)b).ToArray(), BoxFormat.XywhPixels) { CategoryId = 18, Supercategory = "animal" });
            }
        });

    /// <summary>Null in a quarter of the cases.</summary>
    public static Gen<T?> Maybe<T>(Gen<T> gen) where T : struct =>
        Gen.Frequency((1, Gen.Constant<T?>(null)), (3, gen.Select(v => (T?)v)));

    public static Sample Decorate(Sample sample, Action<Sample> change)
    {
        change(sample);
        return sample;
    }
}
