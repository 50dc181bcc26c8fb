using System.Text.Json;
using MMForge.Selection;
using MMForge.Selection.Streamed;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

/// <summary>
/// The sharded decide step, taken in passes over key files read one at a time, against the
/// one-process decisions on the same keys all in memory (<see cref="SelectionJob"/>): the same
/// masks, counts, reasons, groups and warnings. The keys are made to be hard: draws repeated
/// (ties broken by input order), multi-turn yes/no leans that make the equaliser skip, zero-token
/// samples, undecoded records, empty shards, every sampling kind and budgets from none to all.
/// </summary>
public sealed class StreamedSelectionTests
{
    private static readonly string[] Sources = ["caps", "vqa", "ocr"];
    /// <summary>Four groups, or, in one seed of three, twenty (more than count 16-bit digits).</summary>
    private static readonly string[] Strata = ["Perception", "Reasoning", "OCR", "(none)", .. Enumerable.Range(0, 16).Select(n => $"type-{n}")];
    private static readonly string[] Tags = ["dog", "cat", "car", "tree", "sky", "text"];
    private static readonly (int Yes, int No)[] Answers = [(0, 0), (1, 0), (0, 1), (1, 0), (3, 1), (0, 4), (2, 2), (5, 0), (0, 2), (1, 3)];

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)]
    [InlineData(7)] [InlineData(8)] [InlineData(9)] [InlineData(10)] [InlineData(11)] [InlineData(12)]
    public void Decisions_streamed_over_the_key_shards_are_the_one_process_decisions(int seed)
    {
        var random = new Random(seed);
        var options = Options(random);
        var records = Records(random, options.Mixes.Count);
        using var dir = TestPaths.NewTempDir();
        var files = WriteShards(dir, records, random.Next(1, 6), random);

        var keys = new SelectionKeys(2, options.Mixes.Count);
        foreach (var file in files)
            foreach (var run in SelectionKeyFile.Read(file, options.Mixes.Count, keys.Add)) keys.Count(run);
        var oneProcess = new SelectionJob(options).Decide(keys);
        var scan = new KeyScan(files, 2, options.Mixes.Count);
        var streamed = new StreamedSelection(options, scan, diversityBatch: random.Next(1, 120)).Decide();

        Assert.Equal(Describe(oneProcess), Describe(streamed));
        Assert.Equal(Runs(files, options.Mixes.Count), scan.Runs.Select(r => r.ToList()).ToList());
    }

    [Fact]
    public void Every_sample_under_one_draw_is_ordered_by_input_order()
    {
        var random = new Random(99);
        var options = Options(random) with { Balance = new BalanceOptions { By = StratumKey.Source, CapPerGroup = 17, YesNoBalance = true } };
        var records = Records(random, options.Mixes.Count).Select(r => r with { Facts = r.Facts is { } f ? f with { Draw = 42 } : null }).ToList();
        using var dir = TestPaths.NewTempDir();
        var files = WriteShards(dir, records, 3, random);

        var keys = new SelectionKeys(2, options.Mixes.Count);
        foreach (var file in files)
            foreach (var run in SelectionKeyFile.Read(file, options.Mixes.Count, keys.Add)) keys.Count(run);
        Assert.Equal(Describe(new SelectionJob(options).Decide(keys)), Describe(new StreamedSelection(options, new KeyScan(files, 2, options.Mixes.Count)).Decide()));
    }

    [Fact]
    public void Keys_of_which_none_decoded_leave_every_mix_empty_but_the_first_mix_takes_the_undecodable_records()
    {
        var random = new Random(8);
        var options = Options(random) with { Balance = new BalanceOptions { By = StratumKey.Source, CapPerGroup = 3, YesNoBalance = true } };
        var records = Records(random, options.Mixes.Count).Select(r => r with { Facts = null }).ToList();
        using var dir = TestPaths.NewTempDir();
        var files = WriteShards(dir, records, 3, random);

        var keys = new SelectionKeys(2, options.Mixes.Count);
        foreach (var file in files)
            foreach (var run in SelectionKeyFile.Read(file, options.Mixes.Count, keys.Add)) keys.Count(run);
        var streamed = new StreamedSelection(options, new KeyScan(files, 2, options.Mixes.Count)).Decide();

        Assert.Equal(Describe(new SelectionJob(options).Decide(keys)), Describe(streamed));
        Assert.Equal(records.Count, streamed.Cuts[0].Take.Sum(bits => bits.Cast<bool>().Count(b => b)));
        Assert.All(streamed.Cuts, cut => Assert.Equal(0, cut.Records));
    }

    [Fact]
    public void A_key_file_rewritten_between_passes_is_refused()
    {
        var random = new Random(5);
        var options = Options(random) with { Balance = new BalanceOptions { By = StratumKey.Source, CapPerGroup = 5 } };
        var records = Records(random, options.Mixes.Count);
        using var dir = TestPaths.NewTempDir();
        var files = WriteShards(dir, records, 2, random);
        var scan = new KeyScan(files, 2, options.Mixes.Count);
        scan.Catalogue((int _, in SelectionKey _, ReadOnlySpan<int> _, ReadOnlySpan<long> _) => { });
        WriteShards(dir, records.Take(records.Count / 2).ToList(), 2, random);

        var error = Assert.Throws<InvalidDataException>(() => scan.Pass((int _, in SelectionKey _, ReadOnlySpan<int> _, ReadOnlySpan<long> _) => { }));
        Assert.Contains("run the decide step again", error.Message);
    }

    private static SelectOptions Options(Random random)
    {
        var weights = new Dictionary<string, double> { ["caps"] = 2, ["vqa"] = 1, ["missing"] = 3 };
        var balance = random.Next(0, 5) == 0 ? new BalanceOptions() : new BalanceOptions
        {
            By = StratumKey.TypeL1,
            Target = (TargetKind)random.Next(0, 3),
            Weights = weights,
            CapPerGroup = random.Next(0, 3) == 0 ? null : random.Next(0, 60),
            MaxRecords = random.Next(0, 3) == 0 ? random.Next(0, 200) : null,
            Diversity = random.Next(0, 2) == 0,
            YesNoBalance = random.Next(0, 4) != 0,
        };
        var mixes = Enumerable.Range(0, random.Next(1, 4)).Select(m => new MixSpec($"mix-{m}", ImageTokenLimit.Unlimited, false,
            random.Next(0, 3) == 0 ? null : random.Next(0, 60_000),
            new[] { "caps", "vqa", "ocr", "nowhere", SourceSampling.Others }.Where(_ => random.Next(0, 3) != 0)
                .Select(source => new SourceSampling(source, Sampling.Parse(SamplingText(random)), 1)).ToList())).ToList();
        return new SelectOptions { Balance = balance, Mixes = mixes, Seed = (ulong)random.Next() };
    }

    private static string SamplingText(Random random) => random.Next(0, 7) switch
    {
        0 => "all",
        1 => $"first:{random.Next(0, 101)}%",
        2 => $"end:{random.Next(0, 40)}",
        3 => $"random:{random.Next(0, 101)}%",
        4 => $"random:{random.Next(0, 40)}",
        5 => $"first:{random.Next(0, 40)}",
        _ => $"end:{random.Next(0, 101)}%",
    };

    /// <summary>Records of two inputs in input order, one in twenty undecodable.</summary>
    private static List<KeyedRecord> Records(Random random, int mixes)
    {
        var strata = random.Next(3) == 0 ? Strata.Length : 4;
        var records = new List<KeyedRecord>();
        foreach (var (input, count) in new[] { (0, random.Next(0, 250)), (1, random.Next(1, 250)) })
            for (var ordinal = 0; ordinal < count; ordinal++)
            {
                var (yes, no) = Answers[random.Next(Answers.Length)];
                records.Add(new KeyedRecord(input, ordinal, random.Next(0, 20) == 0 ? null : new SampleFacts(
                    Sources[random.Next(Sources.Length)], Strata[random.Next(strata)],
                    Tags.Where(_ => random.Next(0, 3) == 0).ToList(), yes, no,
                    random.Next(0, 4) == 0 ? (ulong)random.Next(0, 8) : (ulong)random.NextInt64(),
                    Enumerable.Range(0, mixes).Select(_ => random.Next(0, 5) == 0 ? 0L : random.Next(1, 2000)).ToArray(),
                    random.Next(0, 10) == 0 ? 1 : 0)));
            }
        return records;
    }

    /// <summary>The records cut into contiguous key files (some empty), as the key shards write them.</summary>
    private static List<string> WriteShards(TempDir dir, List<KeyedRecord> records, int shards, Random random)
    {
        var cuts = Enumerable.Range(0, shards - 1).Select(_ => random.Next(0, records.Count + 1)).Append(0).Append(records.Count).Order().ToList();
        var files = new List<string>();
        for (var s = 0; s < shards; s++)
        {
            var path = dir.File($"keys-{s}.bin");
            var run = records.Skip(cuts[s]).Take(cuts[s + 1] - cuts[s]).ToList();
            SelectionKeyFile.Write(path, "test", add =>
            {
                run.ForEach(add);
                return run.GroupBy(r => r.Input).Select(g => new InputRun(g.Key, g.First().Ordinal, g.Count())).ToList();
            });
            files.Add(path);
        }
        return files;
    }

    private static List<List<InputRun>> Runs(List<string> files, int mixes) => files.Select(f => SelectionKeyFile.Read(f, mixes, _ => { })).ToList();

    /// <summary>Everything decided that the decisions file and the summary carry, as JSON.</summary>
    private static string Describe(Decided decided) => JsonSerializer.Serialize(new
    {
        Groups = decided.Pool.Groups.Select(g => $"{g.Group} {g.Size} {g.Weight} {g.Quota}"),
        decided.Pool.UnselectedByReason,
        decided.Warnings,
        decided.ImagesWithoutSize,
        Cuts = decided.Cuts.Select(cut => new
        {
            cut.Records, cut.VisualTokens, cut.UnselectedByReason,
            Take = cut.Take.Select(bits => string.Concat(bits.Cast<bool>().Select(b => b ? '1' : '0'))),
        }),
    });
}
