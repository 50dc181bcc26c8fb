using MMForge.Filters;
using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>The fate of one record after processing, ready for the in-order writer.</summary>
public sealed class ProcessedRecord
{
    public required SourceContext Source { get; init; }
    public required RecordLocation Location { get; init; }

    /// <summary>
    /// The kept sample, for outputs that encode as they write. Outputs that take bytes get only
    /// <see cref="Encoded"/>: holding every in-flight sample's strings until the writer gets to
    /// them made them outlive the young GC generation and cost half the throughput.
    /// </summary>
    public Sample? Sample { get; set; }

    /// <summary>The kept sample's source name, for the per-source counts.</summary>
    public string? SampleSource { get; set; }

    public bool Kept => RejectedBy is null;

    /// <summary>The sample encoded for the output, when the output takes bytes (a pooled array the output returns once written).</summary>
    public ArraySegment<byte>? Encoded { get; set; }

    /// <summary>Rule that rejected the record, when it was rejected.</summary>
    public string? RejectedBy { get; set; }

    /// <summary>Lines for the rejects file: the rejected record, or the pairs dropped from a kept one.</summary>
    public List<byte[]> RejectLines => _rejectLines ??= [];

    /// <summary>Rules that dropped pairs from the kept sample.</summary>
    public List<string> DroppingRules => _droppingRules ??= [];

    // most records are clean: the lists are made only when something is rejected or dropped
    private List<byte[]>? _rejectLines;
    private List<string>? _droppingRules;

    public bool HasRejectLines => _rejectLines is { Count: > 0 };

    /// <summary>Further samples a step replaced this one's sample by (synthesis packing), written right after it; null when there are none.</summary>
    public List<ProcessedRecord>? Following { get; set; }
    public bool HasDroppingRules => _droppingRules is { Count: > 0 };
}

/// <summary>
/// Takes one raw record through decoding, image path resolution and the validation rules, on
/// any thread: everything it touches is per record, so batches run in parallel safely.
/// </summary>
public sealed class RecordProcessor(JobOptions options, IJobOutput output)
{
    private readonly string _stage = options.Stage;

    /// <summary>Processes record number <paramref name="number"/> of the stage's whole input (counted before any shard is cut).</summary>
    public ProcessedRecord Process(RawRecord raw, SourceContext source, long number)
    {
        try { return ProcessRecord(raw, source, number); }
        finally { raw.Release(); } // everything kept from the raw bytes has been copied by now
    }

    private ProcessedRecord ProcessRecord(RawRecord raw, SourceContext source, long number)
    {
        var decoded = RecordDecoder.Decode(raw, source.Source.Codec);
        if (decoded.Sample is not { } sample)
            return Rejected(raw, source, null, decoded.Error!.Rule, decoded.Error.Reason);

        Identify(sample, source.Info.Name, raw.Location);
        if (RefusedImagePath(sample, source) is { } escape)
            return Rejected(raw, source, sample, RejectRules.PathEscape, escape);

        var result = new ProcessedRecord { Source = source, Location = raw.Location, Sample = sample, SampleSource = sample.Source };
        IReadOnlyList<Sample> replacements = [];
        if (options.Rules is { } rules)
        {
            var context = new RuleContext
            {
                ImageFile = image => source.ResolverFor(image).FullPath(image),
                Seed = options.Seed,
                SampleKey = () => sample.Source + "\n" + sample.Id,
                Location = raw.Location,
                RecordNumber = number,
            };
            var verdict = rules.Apply(sample, context, (rule, why, turns) =>
            {
                result.DroppingRules.Add(rule);
                result.RejectLines.Add(RejectEntry.ForDroppedTurns(_stage, rule, why, raw.Location, sample, turns));
            }, samples => replacements = samples);
            if (verdict is var (rule, reason)) return Rejected(raw, source, sample, rule, reason, result);
        }
        if (replacements.Count > 0) (result.Sample, result.SampleSource) = (replacements[0], replacements[0].Source);
        if (Finish(result) is var (refusingRule, refusal)) return Rejected(raw, source, result.Sample!, refusingRule, refusal, result);
        foreach (var more in replacements.Skip(1))
        {
            var following = new ProcessedRecord { Source = source, Location = raw.Location, Sample = more, SampleSource = more.Source };
            if (Finish(following) is var (rule, reason))
            {
                result.RejectLines.Add(RejectEntry.ForRecord(_stage, rule, reason, raw.Location, more.Source, more, default));
                result.DroppingRules.Add(rule);
                continue;
            }
            (result.Following ??= []).Add(following);
        }
        return result;
    }

    /// <summary>
    /// Makes a kept sample ready for the writer (export paths, provenance, the output's own
    /// preparation, encoding); the rule and reason the output refuses it under, or null.
    /// </summary>
    private (string Rule, string Reason)? Finish(ProcessedRecord record)
    {
        var sample = record.Sample!;
        if (output.CannotWrite(sample) is { } unwritable) return (UnwritableRule, unwritable);
        options.ExportPaths?.Apply(sample, image => record.Source.ResolverFor(image).FullPath(image));
        sample.Provenance.Stages.Add(_stage);
        try { output.Prepare(sample); }
        catch (RecordException e) { return (e.Rule, e.Message); }
        if (output.Encoder is { } encode)
        {
            record.Encoded = encode(sample);
            record.Sample = null;
        }
        return null;
    }

    public const string UnwritableRule = "unwritable";

    /// <summary>
    /// Gives a decoded sample the source and id it is known by everywhere: the input's name when
    /// the record names no source, and <see cref="GeneratedId"/> when it has no id. Every pass over
    /// an input calls this, so the same record has the same name in each.
    /// </summary>
    public static void Identify(Sample sample, string sourceName, RecordLocation location)
    {
        sample.Source ??= sourceName;
        if (sample.Id.Length == 0) sample.Id = GeneratedId(sourceName, location);
    }

    /// <summary>
    /// An id for a record that has none, from where it was read, so the same input always gets
    /// the same ids: "source:line", "source:member" or "source:@offset".
    /// </summary>
    public static string GeneratedId(string source, RecordLocation location) =>
        source + ":" + (location.Member ?? (location.Line is { } line ? line.ToString(System.Globalization.CultureInfo.InvariantCulture) : "@" + location.Offset));

    /// <summary>
    /// Resolves the sample's image paths under their roots (in place) and returns why one is
    /// refused (it leaves its root, through ".." or a symbolic link), or null. Every pass that
    /// opens image files asks this first: a dataset directory written by someone else may hold
    /// any path.
    /// </summary>
    public static string? RefusedImagePath(Sample sample, SourceContext source)
    {
        foreach (var image in sample.Images)
            if (source.ResolverFor(image).Resolve(image) is { } refusal) return refusal;
        return null;
    }

    /// <summary>
    /// A record of a pass that reads samples outside a record job (generation, seeds, losses):
    /// decoded, named as every pass names it (<see cref="Identify"/>), its raw bytes released;
    /// null when it does not decode, since the writing pass meets it again and rejects it.
    /// </summary>
    public static Sample? DecodeIdentified(RawRecord raw, OpenedSource source)
    {
        try
        {
            if (RecordDecoder.Decode(raw, source.Codec).Sample is not { } sample) return null;
            Identify(sample, source.Name, raw.Location);
            return sample;
        }
        finally
        {
            raw.Release();
        }
    }

    /// <summary>A counting pass for rules that need dataset-wide figures (yes/no balance).</summary>
    public static void Observe(RawRecord raw, SourceContext source, YesNoBalanceRule balance)
    {
        if (RecordDecoder.Decode(raw, source.Source.Codec).Sample is { } sample) balance.Observe(sample);
    }

    /// <summary>
    /// The record rejected by <paramref name="rule"/>. Pairs an earlier rule dropped from it
    /// (<paramref name="pending"/>) keep their reject lines, so they are not lost with the sample.
    /// </summary>
    private ProcessedRecord Rejected(RawRecord raw, SourceContext source, Sample? sample, string rule, string reason, ProcessedRecord? pending = null)
    {
        var result = new ProcessedRecord { Source = source, Location = raw.Location, RejectedBy = rule };
        if (pending is { HasRejectLines: true }) result.RejectLines.AddRange(pending.RejectLines);
        result.RejectLines.Add(RejectEntry.ForRecord(_stage, rule, reason, raw.Location, sample?.Source ?? source.Info.Name, sample, raw.Json));
        return result;
    }
}
