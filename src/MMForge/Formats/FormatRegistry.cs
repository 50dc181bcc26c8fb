using System.Text.Json;
using MMForge.Formats.Codecs;

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
