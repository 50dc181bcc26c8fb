using System.Diagnostics;
using System.Text.Json;
using MMForge.Tagging.Taxonomy;

namespace MMForge.Bench;

/// <summary>
/// The embedded instruction classifier: instructions classified per second on one and two
/// threads against only extracting their features (the tokenizing every classifier pays), the
/// bytes allocated per call, the training time and the held-out accuracy on the seed set.
/// </summary>
public sealed class ClassifierBench : IBenchmark
{
    public string Name => "classifier";
    public string Usage => "classifier [--texts N (default 200000)] [--samples DIR (default ../shared/samples)]: instructions classified/s on 1 and 2 threads vs feature extraction alone, held-out accuracy";

    private const int BaselineRounds = 10;

    public int Run(BenchArgs args)
    {
        var count = args.Int("--texts", 200_000);
        var samples = args.Shared("--samples", "samples");
        Console.WriteLine($"mmforge classifier benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var training = Stopwatch.StartNew();
        var classifier = new EmbeddedInstructionClassifier(InstructionTaxonomy.Default, SeedInstructions.Default);
        Console.WriteLine($"training on {SeedInstructions.Default.Count} seeds: {training.Elapsed.TotalMilliseconds:F1} ms (first run, includes JIT)");
        training.Restart();
        _ = new EmbeddedInstructionClassifier(InstructionTaxonomy.Default, SeedInstructions.Default);
        Console.WriteLine($"training again: {training.Elapsed.TotalMilliseconds:F1} ms");

        var accuracy = ClassifierEvaluation.HeldOut(InstructionTaxonomy.Default, SeedInstructions.Default);
        Console.WriteLine($"held-out accuracy (every {ClassifierEvaluation.DefaultFold}th seed per L2 node; trained on {accuracy.Trained}, tested on {accuracy.Tested}): " +
                          $"L1 {accuracy.L1:P1}, L2 {accuracy.L2:P1}, L3 {accuracy.L3:P1}");

        var llava = LlavaQuestions(samples);
        var corpus = llava.Concat(SeedInstructions.Default.Select(s => s.Text)).ToArray();
        var texts = Enumerable.Range(0, count).Select(i => corpus[i % corpus.Length]).ToArray();
        Console.WriteLine($"input: {llava.Count} LLaVA questions + {SeedInstructions.Default.Count} seeds, replicated to {texts.Length:N0} texts, mean {texts.Average(t => t.Length):F0} chars");
        ReportLlavaTypes(classifier, llava);

        // best of two runs: the first also pays for compiling the loops. The baseline is repeated
        // so that it runs long enough for the process CPU clock to measure it.
        var tokenize = Best(() => Measure(texts.Length * BaselineRounds, () => { for (var r = 0; r < BaselineRounds; r++) Tokenize(texts); }));
        var oneThread = Best(() => Measure(texts.Length, () => Classify(classifier, texts, threads: 1)));
        var twoThreads = Best(() => Measure(texts.Length, () => Classify(classifier, texts, threads: 2)));
        Console.WriteLine($"  baseline feature extraction only, 1 thread: {tokenize}");
        Console.WriteLine($"  classify, 1 thread:  {oneThread}, {tokenize.PerCpuSecond / oneThread.PerCpuSecond:F2}x the baseline's CPU time per text");
        Console.WriteLine($"  classify, 2 threads: {twoThreads}, {twoThreads.PerSecond / oneThread.PerSecond:F2}x one thread's wall speed");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Classify(classifier, texts, threads: 1);
        Console.WriteLine($"  allocated while classifying on the calling thread: {(double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / texts.Length:F2} bytes per text");
        return 0;
    }

    /// <summary>The question texts of LLaVA's COCO evaluation sets (not the answers).</summary>
    private static List<string> LlavaQuestions(string samples)
    {
        var data = Path.Combine(samples, "LLaVA", "playground", "data");
        return Field(Path.Combine(data, "coco2014_val_qa_eval", "qa90_questions.jsonl"), "text")
            .Concat(Field(Path.Combine(data, "coco2014_val_gpt4_qa_30x3.jsonl"), "instruction"))
            .ToList();
    }

    private static IEnumerable<string> Field(string jsonl, string name) =>
        File.ReadLines(jsonl).Where(l => l.Length > 0).Select(l =>
        {
            using var record = JsonDocument.Parse(l);
            return record.RootElement.GetProperty(name).GetString()!;
        });

    /// <summary>How the LLaVA questions spread over L2 nodes: unlabelled, but shows the classifier on real text.</summary>
    private static void ReportLlavaTypes(EmbeddedInstructionClassifier classifier, List<string> questions)
    {
        var results = questions.Select(q => (Question: q, Result: classifier.Classify(q))).ToList();
        var byCategory = results.GroupBy(r => r.Result.IsNone ? "(none)" : classifier.Taxonomy.Get(r.Result.Path).AncestorAt(2).DisplayPath)
            .OrderByDescending(g => g.Count()).Take(8);
        Console.WriteLine($"  LLaVA questions by predicted L2 ({results.Count(r => r.Result.By == EmbeddedInstructionClassifier.KeywordsBy)} decided by keywords): " +
                          string.Join(", ", byCategory.Select(g => $"{g.Key} {g.Count()}")));
    }

    private static void Tokenize(string[] texts)
    {
        var checksum = 0UL;
        Span<ulong> buffer = stackalloc ulong[InstructionFeatures.Capacity];
        foreach (var text in texts)
        {
            var features = new InstructionFeatures(buffer);
            features.Add(text);
            features.EndText();
            foreach (var feature in features.Features) checksum ^= feature;
        }
        GC.KeepAlive(checksum);
    }

    private static void Classify(EmbeddedInstructionClassifier classifier, string[] texts, int threads) =>
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var checksum = 0.0;
            for (var i = t; i < texts.Length; i += threads) checksum += classifier.Classify(texts[i]).Score;
            GC.KeepAlive(checksum);
        });

    private static Rate Best(Func<Rate> run)
    {
        var (first, second) = (run(), run());
        return first.PerSecond > second.PerSecond ? first : second;
    }

    /// <summary>Texts per wall second and per process CPU second of <paramref name="action"/>.</summary>
    private static Rate Measure(long texts, Action action)
    {
        var time = Timed.Of(action);
        return new Rate(texts / time.Wall, texts / time.Cpu);
    }

    private readonly record struct Rate(double PerSecond, double PerCpuSecond)
    {
        public override string ToString() => $"{PerSecond,10:N0} texts/s wall, {PerCpuSecond,10:N0} texts per CPU-second";
    }
}
