using MMForge.Filters;
using System.Buffers;
using System.Diagnostics;
using MMForge.Formats;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Bench;

/// <summary>
/// Text tagging throughput (<see cref="TextTagger"/>) in samples per second on one and two
/// threads, against lower-casing the same texts and splitting them into words, on three inputs:
/// LLaVA's real COCO files (captions + boxes, GPT-4 QA) replicated, InternVL's Chinese COCO-CN
/// captions replicated, and generated VQA answers (<see cref="QaTextGenerator"/>).
/// </summary>
public sealed class TextTaggingBench : IBenchmark
{
    public string Name => "text-tagging";
    public string Usage => "text-tagging [--samples N (default 200000)] [--rounds N (default 3)] [--shared DIR (default ../shared)]: " +
                           "text tagging samples/s on 1 and 2 threads against lower-casing and splitting the same texts";

    private static readonly string[] English =
        ["LLaVA/llava/eval/table/caps_boxes_coco2014_val_80.jsonl", "LLaVA/playground/data/coco2014_val_gpt4_qa_30x3.jsonl"];

    private static readonly string[] Chinese = ["InternVL/coco-cn_test.json"];


    public int Run(BenchArgs args)
    {
        var count = args.Int("--samples", 200_000);
        var rounds = args.Int("--rounds", 3);
        var shared = args.Shared("--shared");
        var clock = Stopwatch.StartNew();
        var vocabulary = RamVocabulary.Default;
        var tagger = new TextTagger(vocabulary);
        Console.WriteLine($"mmforge text-tagging benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"vocabulary: {vocabulary.Count:N0} RAM++ tags, loaded and indexed in {clock.Elapsed.TotalMilliseconds:F0} ms");
        Console.WriteLine($"each figure: the best of {rounds} rounds");

        foreach (var files in new[] { English, Chinese })
        {
            var real = ReadReal(shared, files);
            Report($"real: the {real.Count} samples of {string.Join(" + ", files.Select(Path.GetFileName))}, replicated", Replicate(real, count), tagger, rounds);
        }
        Report("generated: VQA answers (QaTextGenerator, 10% Chinese)", Generated(count), tagger, rounds);
        return 0;
    }

    private static void Report(string title, Sample[] samples, TextTagger tagger, int rounds)
    {
        var chars = samples.Sum(s => Texts(s).Sum(t => (long)t.Length));
        var tags = samples.Sum(s => (long)tagger.Tag(s, RuleContext.NoImageFiles, new TaggingCounts()).Count);
        Console.WriteLine($"{title}: {samples.Length:N0} samples, mean {(double)chars / samples.Length:F0} chars read per sample, mean {(double)tags / samples.Length:F1} tags");
        var baseline = Best(rounds, () => Measure(samples, 1, _ => LowerAndSplit));
        Console.WriteLine($"  baseline lower-case + split into words, 1 thread: {Rate(samples.Length, baseline)}");
        foreach (var threads in new[] { 1, 2 })
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var time = Best(rounds, () => Measure(samples, threads, counts => s => tagger.Tag(s, RuleContext.NoImageFiles, counts).Count));
            allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (rounds * samples.Length);
            Console.WriteLine($"  text tagging, {threads} thread(s): {Rate(samples.Length, time)}; {time.Cpu / baseline.Cpu:F2}x the baseline's CPU time, {allocated} bytes allocated per sample");
        }
    }

    /// <summary>The time of one pass over every sample, split between <paramref name="threads"/> threads.</summary>
    private static Timed Measure(Sample[] samples, int threads, Func<TaggingCounts, Func<Sample, int>> work)
    {
        var counts = new TaggingCounts();
        var total = 0L;
        var time = Timed.Of(() => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var one = work(counts);
            var sum = 0;
            for (var i = t; i < samples.Length; i += threads) sum += one(samples[i]);
            Interlocked.Add(ref total, sum);
        }));
        GC.KeepAlive(total);
        return time;
    }

    /// <summary>The baseline: the texts the tagger reads, lower-cased into a buffer and cut at spaces and punctuation; returns the word count.</summary>
    private static int LowerAndSplit(Sample sample)
    {
        var words = 0;
        foreach (var text in Texts(sample))
        {
            var lower = ArrayPool<char>.Shared.Rent(text.Length);
            var length = text.AsSpan().ToLowerInvariant(lower);
            foreach (var range in lower.AsSpan(0, length).SplitAny(" \n\t,.;:!?\"()"))
                if (range.End.Value > range.Start.Value) words++;
            ArrayPool<char>.Shared.Return(lower);
        }
        return words;
    }

    /// <summary>What <see cref="TextTagger"/> reads: box categories, captions, the text and the answers.</summary>
    private static IEnumerable<string> Texts(Sample sample)
    {
        if (sample.Annotations is { } annotations)
        {
            foreach (var box in annotations.Boxes) yield return box.Category;
            foreach (var caption in annotations.Captions) yield return caption;
        }
        if (sample.Text is { } text) yield return text;
        foreach (var turn in sample.Turns)
            if (turn.Role == Roles.Gpt) yield return turn.Value;
    }

    private static List<Sample> ReadReal(string shared, string[] files)
    {
        var opener = new SourceOpener(FormatRegistry.Default);
        var samples = new List<Sample>();
        foreach (var file in files)
        foreach (var source in opener.Open(new SourceRequest(Path.Combine(shared, "samples", file))))
        foreach (var raw in source.Records)
            if (RecordDecoder.Decode(raw, source.Codec).Sample is { } sample) samples.Add(sample);
        return samples;
    }

    /// <summary>Copies of the samples in turn up to <paramref name="count"/> (distinct objects, so the memory touched grows like real data).</summary>
    private static Sample[] Replicate(List<Sample> samples, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Copy(samples[i % samples.Count]))];

    private static Sample Copy(Sample sample)
    {
        var copy = new Sample { Id = sample.Id, Text = sample.Text is null ? null : new string(sample.Text) };
        foreach (var turn in sample.Turns) copy.Turns.Add(new Turn(turn.Role, new string(turn.Value)));
        if (sample.Annotations is { } annotations)
        {
            copy.Annotations = new Annotations();
            copy.Annotations.Captions.AddRange(annotations.Captions.Select(c => new string(c)));
            copy.Annotations.Boxes.AddRange(annotations.Boxes.Select(b => new Box(new string(b.Category), b.Bbox, b.Format)));
        }
        return copy;
    }

    /// <summary>One question and its answer per sample; the generator's text is question + newline + answer.</summary>
    private static Sample[] Generated(int count) =>
        [.. QaTextGenerator.Generate(count, plantedShare: 0).Texts.Select((text, i) =>
        {
            var cut = text.IndexOf('\n');
            var sample = new Sample { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            sample.Turns.Add(new Turn(Roles.Human, text[..cut]));
            sample.Turns.Add(new Turn(Roles.Gpt, text[(cut + 1)..]));
            return sample;
        })];

    private static Timed Best(int rounds, Func<Timed> run) =>
        Enumerable.Range(0, rounds).Select(_ => run()).MinBy(t => t.Cpu);

    private static string Rate(int samples, Timed time) =>
        $"{samples / time.Wall,9:N0} samples/s wall, {samples / time.Cpu,9:N0} per CPU-second";
}
