using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.ModelTaggers;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Cli.Commands;

/// <summary>
/// <c>mmforge map fit|explain</c>: fit the image-tag x instruction-type correspondence on a
/// tagged seed dataset, and show which instruction types a set of image tags suits, and why.
/// Public so tests can run the command in-process before it is registered in Program.
/// </summary>
public static class MapCommand
{
    public static Command Create() => new("map", "The image-tag x instruction-type correspondence (TF-IDF of image tags per instruction type; docs/correspondence.md).")
    {
        FitCommand(),
        ExplainCommand(),
    };

    private static Command FitCommand()
    {
        var shared = new SharedOptions();
        var seed = new Argument<string>("seed") { Description = "mmforge dataset directory of seed samples carrying image tags and instruction tags." };
        var output = new Option<string>("--output", "-o") { Description = "Model file to write (model.json).", Required = true };
        var defaults = new CorrespondenceOptions();
        var unit = new Option<string>("--unit")
        {
            Description = "Instruction type level the model is fitted at: l3 (leaves, default) or l2.",
            DefaultValueFactory = _ => "l3",
        };
        unit.AcceptOnlyFromAmong("l3", "l2");
        var minSupport = new Option<int>("--min-support")
        {
            Description = $"Types with fewer seed samples stay in the model flagged unsupported and are never scored (default {defaults.MinSupport}).",
            DefaultValueFactory = _ => defaults.MinSupport,
        };
        var tf = new Option<string>("--tf")
        {
            Description = "Term frequency: share (fraction of the type's seed samples carrying the tag, default) or sublinear (1 + ln count).",
            DefaultValueFactory = _ => "share",
        };
        tf.AcceptOnlyFromAmong("share", "sublinear");
        var maxTags = new Option<int>("--max-tags")
        {
            Description = $"Tags kept per type in the model, highest weight first; 0 keeps all (default {defaults.MaxTagsPerType}).",
            DefaultValueFactory = _ => defaults.MaxTagsPerType,
        };
        var dfMinShare = new Option<double>("--df-min-share")
        {
            Description = $"A type counts towards a tag's document frequency only when at least this share of its seed samples carry the tag (default {defaults.DfMinShare}; 0 = sklearn's df).",
            DefaultValueFactory = _ => defaults.DfMinShare,
        };
        shared.Shard.Description = "Count only part INDEX/COUNT of the seed records (the INDEX-th of COUNT contiguous runs of them, as every sharded stage takes) into "
            + $"the model's folder/shards/INDEX-of-COUNT/{ShardMerge.CountsFile}; 'mmforge merge-shards FOLDER' adds the parts up and writes the model once all are counted. "
            + "A part already counted with the same settings is skipped.";
        var command = new Command("fit", "Fit the correspondence on a seed dataset in one streaming pass and write model.json. "
            + "With --shard I/N only the counts of part I are written (OUTPUT's folder/shards/IIIII-of-NNNNN/" + ShardMerge.CountsFile + "); "
            + "'mmforge merge-shards' on OUTPUT's folder adds the parts up and writes the model, byte-identical to one process's, every threshold applied to the sums.")
        {
            seed, output, unit, minSupport, tf, dfMinShare, maxTags, shared.MaxRecordBytes, shared.Shard,
        };
        command.SetAction(p =>
        {
            var options = new CorrespondenceOptions
            {
                Unit = Enum.Parse<TypeLevel>(p.GetValue(unit)!, ignoreCase: true),
                Tf = Enum.Parse<TfScheme>(p.GetValue(tf)!, ignoreCase: true),
                MinSupport = p.GetValue(minSupport),
                DfMinShare = p.GetValue(dfMinShare),
                MaxTagsPerType = p.GetValue(maxTags),
            };
            options.Validate();
            var unreadable = new UnreadableRecords(p.InvocationConfiguration.Error);
            var path = p.GetValue(output)!;
            var shard = shared.ShardOf(p);
            var samples = ReadSamples(shared.OpenDataset(p, p.GetValue(seed)!), unreadable, shard).Select(s => s.Sample);
            if (shard is { } part) return WriteCountShard(p, part, path, options, samples, unreadable);
            var model = CorrespondenceModel.Fit(samples, options);
            model.Save(path);
            return Report(p, "map fit", model, path, unreadable.Count);
        });
        return command;
    }

    /// <summary>The map half of a sharded fit: this shard's counts, or nothing when a previous launch counted them with the same settings.</summary>
    private static int WriteCountShard(ParseResult p, ShardSpec shard, string modelPath, CorrespondenceOptions options, IEnumerable<Sample> samples, UnreadableRecords unreadable)
    {
        var log = p.InvocationConfiguration.Output;
        var modelFile = Path.GetFileName(modelPath);
        var dir = shard.Directory(CountShard.StageOf(modelPath));
        var counted = CountShard.Finished(dir, shard, modelFile, options);
        if (counted is not null) log.WriteLine($"map fit: shard {shard} is already complete in {dir}; skipped");
        else
        {
            counted = CountShard.Count(dir, shard, modelFile, options, samples, () => unreadable.Count);
            var s = counted.Counts;
            log.WriteLine($"map fit: shard {shard} counted {s.Used:N0} of {s.Samples:N0} seed samples ({s.WithoutImageTags:N0} without image tags, {s.WithoutType:N0} without an instruction type) -> {Path.Combine(dir, ShardMerge.CountsFile)}");
            log.WriteLine($"  'mmforge merge-shards {CountShard.StageOf(modelPath)}' writes {modelFile} once all {shard.Count} shards are counted");
        }
        return counted.UnreadableRecords > 0 ? Program.Rejected : Program.Ok;
    }

    /// <summary>
    /// The summary of a fitted model, for one process's fit and for the reduce of a sharded one
    /// alike; exit 1 when records were unreadable or no type has enough seed samples to be scored.
    /// </summary>
    internal static int Report(ParseResult p, string what, CorrespondenceModel model, string path, long unreadable)
    {
        var log = p.InvocationConfiguration.Output;
        var s = model.Seed;
        var options = model.Options;
        var unit = Unit(model);
        log.WriteLine($"{what}: {s.Used:N0} of {s.Samples:N0} seed samples used ({s.WithoutImageTags:N0} without image tags, {s.WithoutType:N0} without an instruction type at {unit}; {s.IgnoredInstructionTags:N0} instruction tags too coarse or malformed)");
        log.WriteLine($"  {model.Types.Count:N0} types, {model.Documents:N0} with at least {options.MinSupport} seed samples (scored), {model.Idf.Count:N0} distinct image tags -> {path}");
        if (model.Documents == 0) p.InvocationConfiguration.Error.WriteLine($"warning: no type has {options.MinSupport} seed samples; the model scores nothing (lower --min-support or add seed data)");
        return unreadable > 0 || model.Documents == 0 ? Program.Rejected : Program.Ok;
    }

    private static Command ExplainCommand()
    {
        var shared = new SharedOptions();
        var modelPath = new Argument<string>("model") { Description = "Model file written by 'mmforge map fit'." };
        var tags = new Argument<string>("tags")
        {
            Description = "Image tags as tag1,tag2:0.8,... (score optional: an unscored tag counts as sure as the surest one), an mmforge dataset directory whose samples' tags are explained, "
                + "or an image file, tagged first by a vision model (--endpoint, --model).",
        };
        var models = new ModelOptions();
        var top = new Option<int>("--top") { Description = "Types shown per image (default 5).", DefaultValueFactory = _ => 5 };
        var k = new Option<int>("--k") { Description = "Types chosen per image, as synthesis would (default 2).", DefaultValueFactory = _ => 2 };
        var temperature = new Option<double>("--temperature")
        {
            Description = "Softmax temperature over scores relative to the best type; 0 takes the top k, 0.1 (default) mostly the best few, 1 and above nearly any matching type.",
            DefaultValueFactory = _ => 0.1,
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the choice; with the sample's id it fixes the types chosen.", DefaultValueFactory = _ => 0 };
        var samples = new Option<int>("--samples", "-n") { Description = "Samples explained when TAGS is a dataset (the first N; default 10).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the explanations as JSON." };
        foreach (var count in new[] { top, k, samples })
            count.Require(n => n >= 0, $"{count.Name} must be 0 or more");
        temperature.Require(t => t >= 0 && double.IsFinite(t), "--temperature must be 0 or more");
        var command = new Command("explain", "Score instruction types for image tags: the best types, their scores, the tags that contribute, and the k types chosen.")
        {
            modelPath, tags, top, k, temperature, seed, samples, json, shared.MaxRecordBytes,
        };
        foreach (var option in models.All) command.Options.Add(option);
        command.SetAction(p =>
        {
            var model = CorrespondenceModel.Load(p.GetValue(modelPath)!);
            var input = p.GetValue(tags)!;
            var unreadable = new UnreadableRecords(p.InvocationConfiguration.Error);
            var images = Directory.Exists(input)
                ? ReadSamples(shared.OpenDataset(p, input), unreadable).Take(p.GetValue(samples)).Select(s => new TaggedImage(s.Key, CorrespondenceModel.TagsOf(s.Sample)))
                : File.Exists(input) ? [new TaggedImage(input, TagImageFile(p, models, input))]
                : [new TaggedImage(input, ParseTags(input))];
            var explanations = images.Select(image =>
            {
                var scores = model.Score(image.Tags);
                var chosen = TypeChooser.Choose(scores, p.GetValue(k), p.GetValue(temperature), p.GetValue(seed), image.Key);
                return new Explanation(image, scores.Take(p.GetValue(top)).ToList(), chosen);
            });
            var o = p.InvocationConfiguration.Output;
            if (p.GetValue(json)) o.WriteLine(ToJson(explanations));
            else foreach (var e in explanations) o.Write(Describe(e, model));
            return unreadable.Count > 0 ? Program.Rejected : Program.Ok;
        });
        return command;
    }

    /// <summary>The RAM++ tags a vision model sees in an image file, with their scores.</summary>
    private static IReadOnlyList<(string Tag, double Score)> TagImageFile(ParseResult p, ModelOptions models, string path)
    {
        var (client, cache) = models.Open(p);
        using (cache)
        {
            // the tag stage's own VLM tagger, on a sample holding just this image
            var sample = new Sample();
            sample.Images.Add(new ImageRef { Bytes = File.ReadAllBytes(path) });
            var counts = new TaggingCounts();
            var tags = VlmSampleTagger.For(client, RamVocabulary.Default, p.GetValue(models.MaxImageSide)).Tag(sample, RuleContext.NoImageFiles, counts);
            if (counts.Unknown > 0)
                p.InvocationConfiguration.Error.WriteLine($"map explain: {counts.Unknown} word(s) the model gave name no RAM++ tag: {string.Join(", ", counts.UnknownWords.Take(10).Select(w => w.Key))}");
            return [.. tags.Select(t => (t.Tag, t.Score ?? 1.0))];
        }
    }

    /// <summary>Parses "tag1,tag2:0.8": a score after the last colon; tags without one count as sure as the surest tag (1 when none is scored).</summary>
    public static IReadOnlyList<(string Tag, double Score)> ParseTags(string text)
    {
        var parsed = new List<(string Tag, double? Score)>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = item.LastIndexOf(':');
            if (colon < 0) { parsed.Add((item, null)); continue; }
            var tag = item[..colon].Trim();
            var number = item[(colon + 1)..].Trim();
            if (tag.Length == 0) throw new FormatException($"tags: '{item}' has a score but no tag");
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score) || score < 0)
                throw new FormatException($"tags: the score of '{tag}' must be a number of 0 or more, not '{number}'");
            parsed.Add((tag, score));
        }
        if (parsed.Count == 0) throw new FormatException($"tags: '{text}' lists no tag (expected tag1,tag2:0.8,... or a dataset directory)");
        var surest = parsed.Where(t => t.Score is not null).Select(t => t.Score!.Value).DefaultIfEmpty(1.0).Max();
        return parsed.Select(t => (t.Tag, t.Score ?? surest)).ToList();
    }

    private sealed record TaggedImage(string Key, IReadOnlyList<(string Tag, double Score)> Tags);

    private sealed record Explanation(TaggedImage Image, IReadOnlyList<TypeScore> Top, IReadOnlyList<TypeScore> Chosen);

    private sealed record KeyedSample(string Key, Sample Sample);

    /// <summary>
    /// Decodes a dataset's records one at a time, only <paramref name="shard"/>'s run of them when
    /// given (taken before decoding, as every sharded stage takes it); unreadable ones (a source that
    /// breaks off among them) are reported and skipped.
    /// </summary>
    private static IEnumerable<KeyedSample> ReadSamples(IReadOnlyList<OpenedSource> sources, UnreadableRecords unreadable, ShardSpec? shard = null)
    {
        var records = sources.SelectMany(source => RecordJob.Guarded(SourceContext.ForReading(source)).Select(raw => (Raw: raw, Source: source)));
        if (shard is { } part) records = part.Take(records, sources);
        foreach (var (raw, source) in records)
        {
            Decoded decoded;
            try { decoded = RecordDecoder.Decode(raw, source.Codec); }
            finally { raw.Release(); }
            if (decoded.Sample is { } sample) yield return new KeyedSample(sample.Id.Length > 0 ? sample.Id : raw.Location.ToString(), sample);
            else unreadable.Report(raw.Location, decoded.Error!);
        }
    }

    /// <summary>Reports unreadable records on stderr (the first few in full) and counts them for the exit code.</summary>
    private sealed class UnreadableRecords(TextWriter error)
    {
        private const int Shown = 5;

        public long Count { get; private set; }

        public void Report(RecordLocation location, RecordError reason)
        {
            if (++Count <= Shown) error.WriteLine($"skipped unreadable record at {location}: {reason.Rule}: {reason.Reason}");
            else if (Count == Shown + 1) error.WriteLine("more unreadable records skipped...");
        }
    }

    private static string Describe(Explanation e, CorrespondenceModel model)
    {
        const int shownTags = 4;
        var s = new System.Text.StringBuilder();
        s.AppendLine("image " + e.Image.Key + ": " + (e.Image.Tags.Count == 0 ? "(no image tags)" : string.Join(", ", e.Image.Tags.Select(t => $"{t.Tag} {Number(t.Score)}"))));
        if (e.Top.Count == 0) s.AppendLine($"  no {Unit(model)} type matches these tags");
        var width = e.Top.Select(t => t.Type.Length).DefaultIfEmpty(0).Max();
        foreach (var (type, rank) in e.Top.Select((t, i) => (t, i + 1)))
        {
            var because = string.Join(", ", type.Contributions.Take(shownTags).Select(c => $"{c.Tag} {Number(c.Contribution)}"));
            var more = type.Contributions.Count > shownTags ? $" (+{type.Contributions.Count - shownTags} more)" : "";
            s.AppendLine($"  {rank,2}. {Number(type.Score),6}  {type.Type.PadRight(width)}  because {because}{more}");
        }
        s.AppendLine("  chosen: " + (e.Chosen.Count == 0 ? "(none)" : string.Join(", ", e.Chosen.Select(c => c.Type))));
        return s.ToString();
    }

    private static string Unit(CorrespondenceModel model) => model.Options.Unit.ToString().ToLowerInvariant();

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string ToJson(IEnumerable<Explanation> explanations) => JsonText.Write(w =>
    {
        w.WriteStartArray();
        foreach (var e in explanations)
        {
            w.WriteStartObject();
            w.WriteString("image", e.Image.Key);
            w.WriteStartArray("tags");
            foreach (var (tag, score) in e.Image.Tags)
            {
                w.WriteStartObject();
                w.WriteString("tag", tag);
                w.WriteNumber("score", score);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("types");
            foreach (var type in e.Top)
            {
                w.WriteStartObject();
                w.WriteString("type", type.Type);
                w.WriteNumber("score", type.Score);
                w.WriteStartArray("contributions");
                foreach (var c in type.Contributions)
                {
                    w.WriteStartObject();
                    w.WriteString("tag", c.Tag);
                    w.WriteNumber("image_score", c.ImageScore);
                    w.WriteNumber("weight", c.Weight);
                    w.WriteNumber("contribution", c.Contribution);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("chosen");
            foreach (var c in e.Chosen) w.WriteStringValue(c.Type);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}
