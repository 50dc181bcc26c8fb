using System.Text.Json;
using MMForge.Formats.Codecs;
using MMForge.Records;

namespace MMForge.Formats;

/// <summary>Every record codec and document format mmforge knows, looked up by name or detected from content.</summary>
public sealed class FormatRegistry
{
    public static readonly FormatRegistry Default = new(
        [
            MMForgeCodec.Instance,
            new LlavaCodec(),
            new InternVlCodec(),
            new InfinityMmCodec(),
            new ShareGptCodec(),
            new ChatMessagesCodec(),
            new OpenAiMessagesCodec(),
            new DataJuicerCodec(),
            new AlpacaCodec(),
            new CapsBoxesCodec(),
            CocoRecordCodec.Instance,
        ],
        [
            new Documents.InternVlMeta(),
            new Documents.LlamaFactoryDatasetInfo(),
            new Documents.CocoDocument(),
        ]);

    public FormatRegistry(IReadOnlyList<IRecordCodec> codecs, IReadOnlyList<IDocumentFormat> documents)
    {
        Codecs = codecs;
        Documents = documents;
    }

    public IReadOnlyList<IRecordCodec> Codecs { get; }
    public IReadOnlyList<IDocumentFormat> Documents { get; }

    public IEnumerable<string> Names => Codecs.Select(c => c.Name).Concat(Documents.Select(d => d.Name));

    public IRecordCodec? FindCodec(string name) => Codecs.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public IDocumentFormat? FindDocument(string name) => Documents.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public IRecordCodec Codec(string name) => FindCodec(name)
        ?? throw new FormatException($"unknown format '{name}'; known formats: {string.Join(", ", Names)}");

    /// <summary>The codec that matches a record best, or null when none does.</summary>
    public IRecordCodec? DetectCodec(JsonElement record) => Best(Codecs, c => c.Match(record));

    public IDocumentFormat? DetectDocument(JsonElement document) => Best(Documents, d => d.Match(document));

    /// <summary>
    /// The codec of the first of these JSON records that a codec matches. Malformed records are
    /// skipped (they say nothing about the format); the result also says how many records were
    /// seen and the keys of the first object, for the error message when nothing matched.
    /// </summary>
    public CodecDetection DetectCodec(IEnumerable<ReadOnlyMemory<byte>> records)
    {
        var seen = 0;
        string? firstKeys = null;
        foreach (var json in records)
        {
            seen++;
            try
            {
                using var doc = JsonDocument.Parse(json, JsonText.ReadOptions);
                if (DetectCodec(doc.RootElement) is { } codec) return new CodecDetection(codec, seen, firstKeys);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    firstKeys ??= string.Join(", ", doc.RootElement.EnumerateObject().Select(p => p.Name));
            }
            catch (JsonException)
            {
                // a malformed record says nothing about the format; the next one may
            }
        }
        return new CodecDetection(null, seen, firstKeys);
    }

    /// <summary>The "--format" advice for a source whose format could not be detected.</summary>
    public string FormatAdvice(CodecDetection detection) =>
        (detection.FirstKeys is { } keys ? $" (first record has keys: {keys})" : "")
        + $"; name it with --format ({string.Join(", ", Codecs.Select(c => c.Name))})";

    private static T? Best<T>(IEnumerable<T> candidates, Func<T, int> score) where T : class
    {
        T? best = null;
        var bestScore = 0;
        foreach (var candidate in candidates)
        {
            var s = score(candidate);
            if (s > bestScore) { best = candidate; bestScore = s; }
        }
        return best;
    }
}

/// <summary>What format detection found: the codec (null when none matched), how many records it looked at, and the first object's keys.</summary>
public readonly record struct CodecDetection(IRecordCodec? Codec, int Seen, string? FirstKeys);
