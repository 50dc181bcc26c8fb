using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Tests.Support;

/// <summary>Reads an input the way ingest does (detection, containers, codecs), without the pipeline, for format tests.</summary>
public static class Read
{
    public sealed record Result(List<Sample> Samples, List<(RecordLocation Location, RecordError Error)> Errors, List<OpenedSource> Sources);

    public static Result All(string path, string? format = null, FormatRegistry? registry = null)
    {
        var opener = new SourceOpener(registry ?? FormatRegistry.Default);
        var samples = new List<Sample>();
        var errors = new List<(RecordLocation, RecordError)>();
        var sources = opener.Open(new SourceRequest(path) { Format = format }).ToList();
        foreach (var source in sources)
        foreach (var raw in source.Records)
        {
            var decoded = RecordDecoder.Decode(raw, source.Codec);
            if (decoded.Sample is { } s) samples.Add(s);
            else errors.Add((raw.Location, decoded.Error!));
        }
        return new(samples, errors, sources);
    }

    /// <summary>The unified JSON of a sample: two samples are equal when these are equal.</summary>
    public static string Canonical(Sample sample) =>
        JsonText.Write(w => MMForge.Formats.Codecs.MMForgeCodec.Instance.Encode(w, sample));

    /// <summary>
    /// The unified JSON without provenance, which a reader fills from where it read the record:
    /// what must survive a write and a read.
    /// </summary>
    public static string CanonicalContent(Sample sample)
    {
        var provenance = sample.Provenance;
        sample.Provenance = new Provenance();
        try { return Canonical(sample); }
        finally { sample.Provenance = provenance; }
    }

    /// <summary>Writes samples through the real writer for a format, as convert does.</summary>
    public static void WriteAll(string path, string format, IEnumerable<Sample> samples)
    {
        using var writer = MMForge.Formats.Writers.SampleWriters.Open(path, format, FormatRegistry.Default);
        foreach (var sample in samples) writer.Write(sample);
        writer.Complete();
    }
}
