using System.Buffers;
using MMForge.Dedup.Text;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// The keys of every sample in input order, the sources they index, and the files they were read
/// from, as the first ordinal of each file (records are read one file after another).
/// </summary>
public sealed record KeyPassResult(List<SampleKey> Keys, List<(int FirstOrdinal, string File)> Files, List<string> Sources)
{
    /// <summary>The file the sample at <paramref name="ordinal"/> was read from.</summary>
    public string FileOf(int ordinal)
    {
        int low = 0, high = Files.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Files[middle].FirstOrdinal <= ordinal) low = middle;
            else high = middle - 1;
        }
        return Files[low].File;
    }
}

/// <summary>
/// The first pass of dedup: decodes every record (in parallel, consumed in input order) into
/// its <see cref="SampleKey"/> and, when text is compared, its MinHash signature (computed on
/// the workers, appended to <paramref name="texts"/> in order so its ordinals match the keys').
/// Records that do not decode get no key; the writing pass meets them again and rejects them as
/// any stage does.
/// </summary>
internal sealed class KeyPass(DedupOptions options, IdSpill ids, MinHashLsh? texts) : IDisposable
{
    private readonly ThreadLocal<MinHasher>? _hashers = texts is null ? null : new(() => new MinHasher(options.Text));

    private readonly List<(int FirstOrdinal, string File)> _files = [];
    private readonly List<string> _sources = [];
    private readonly Dictionary<string, int> _sourceIndex = new(StringComparer.Ordinal);

    private sealed record Keyed(SampleKey Key, string Id, string Source, RecordLocation Location, string SourceName, uint[]? Signature);

    public KeyPassResult Run(IReadOnlyList<OpenedSource> sources, Action<JobProgress>? progress)
    {
        // A dataset's manifest knows its size: one allocation instead of a doubling list whose
        // abandoned arrays would double the memory this pass is meant to keep small.
        var keys = new List<SampleKey>((int)Math.Min(sources.Sum(s => s.DatasetManifest?.Records ?? 0), Array.MaxLength));
        var perSource = options.Scope == DedupScope.Source;
        // a source that breaks off ends its keys there; the writing pass rejects it as source-unreadable
        var items = sources.SelectMany(s => RecordJob.Guarded(SourceContext.ForReading(s)).Select(raw => (Raw: raw, Source: s)));
        long records = 0;
        OrderedParallel.Run(items, 512, options.Workers, item => Decode(item.Raw, item.Source, perSource), batch =>
        {
            foreach (var keyed in batch)
            {
                records++;
                if (keyed is null) continue;
                if (_files.Count == 0 || _files[^1].File != keyed.Location.File) _files.Add((keys.Count, keyed.Location.File));
                keys.Add(keyed.Key with { Source = Index(_sources, _sourceIndex, keyed.Source) });
                ids.Add(keyed.Id, keyed.Source);
                if (keyed.Signature is { } signature)
                {
                    texts!.AddSignature(signature.AsSpan(0, options.Text.Permutations));
                    ArrayPool<uint>.Shared.Return(signature);
                }
            }
            if (batch[^1] is { } last)
                progress?.Invoke(new JobProgress("keys of " + last.SourceName, records, keys.Count, records - keys.Count, last.Location.Offset + Math.Max(0, last.Location.Length), null));
        });
        return new KeyPassResult(keys, _files, _sources);
    }

    private Keyed? Decode(RawRecord raw, OpenedSource source, bool perSource)
    {
        try
        {
            if (RecordDecoder.Decode(raw, source.Codec).Sample is not { } sample) return null;
            RecordProcessor.Identify(sample, source.Name, raw.Location); // sets Source when the record has none
            if (options.ComparesImages && sample.Images.Any(i => i.Phash is null))
                throw new InvalidDataException($"record {sample.Id} ({raw.Location}) has an image without a pHash; near-duplicate images need 'mmforge hash' first (or use --match exact or text)");
            var text = DuplicateText.Of(sample);
            return new Keyed(SampleKey.Of(sample, text, perSource, 0, raw.Location.Offset), sample.Id, sample.Source!, raw.Location, source.Name, Signature(text));
        }
        finally
        {
            raw.Release();
        }
    }

    private uint[]? Signature(string text)
    {
        if (_hashers is null) return null;
        var signature = ArrayPool<uint>.Shared.Rent(options.Text.Permutations);
        _hashers.Value!.Compute(text, signature.AsSpan(0, options.Text.Permutations));
        return signature;
    }

    public void Dispose() => _hashers?.Dispose();

    private static int Index(List<string> names, Dictionary<string, int> index, string name)
    {
        if (!index.TryGetValue(name, out var i))
        {
            index[name] = i = names.Count;
            names.Add(name);
        }
        return i;
    }
}
