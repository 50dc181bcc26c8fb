using System.Buffers;
using MMForge.Dedup.Text;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// One sample as the key pass read it: its key, id and source name, the file it was read from,
/// and its place in the input (the number of its source and of the record in that source, which
/// order samples the same whether one process or many shards read them). <see cref="Signature"/>
/// is its MinHash signature when text is compared, rented from the shared pool: the consumer returns it.
/// </summary>
internal sealed record KeyedSample(SampleKey Key, string Id, string Source, string File, int SourceNumber, long RecordNumber, uint[]? Signature);

/// <summary>
/// The first pass of dedup: decodes every record (in parallel, handed on in input order) into a
/// <see cref="KeyedSample"/>, with its MinHash signature computed on the workers when text is
/// compared. With a shard, only that shard's records are decoded; the ones before them are still
/// counted, so record numbers are the same in every shard. Records that do not decode get no key; the
/// writing pass meets them again and rejects them as any stage does.
/// </summary>
internal sealed class KeyPass(DedupOptions options) : IDisposable
{
    private readonly ThreadLocal<MinHasher>? _hashers = options.ComparesText ? new(() => new MinHasher(options.Text)) : null;

    /// <summary>Reads <paramref name="sources"/> (of <paramref name="shard"/> only, when given) and hands every key to <paramref name="consume"/> in input order; returns how many records were read.</summary>
    public long Run(IReadOnlyList<OpenedSource> sources, ShardSpec? shard, Action<KeyedSample> consume, Action<JobProgress>? progress)
    {
        var perSource = options.Scope == DedupScope.Source;
        // a source that breaks off ends its keys there; the writing pass rejects it as source-unreadable
        var items = sources.SelectMany((source, number) => RecordJob.Guarded(SourceContext.ForReading(source))
            .Select((raw, record) => (Raw: raw, Source: source, Number: number, Record: (long)record)));
        if (shard is { } owned) items = owned.Take(items, sources);
        long records = 0, kept = 0;
        OrderedParallel.Run(items, 512, options.Workers, item => Decode(item.Raw, item.Source, item.Number, item.Record, perSource), batch =>
        {
            foreach (var keyed in batch)
            {
                records++;
                if (keyed is null) continue;
                kept++;
                consume(keyed);
            }
            if (batch[^1] is { } last)
                progress?.Invoke(new JobProgress("keys of " + sources[last.SourceNumber].Name, records, kept, records - kept, last.Key.Offset, null));
        });
        return records;
    }

    private KeyedSample? Decode(RawRecord raw, OpenedSource source, int sourceNumber, long recordNumber, bool perSource)
    {
        try
        {
            if (RecordDecoder.Decode(raw, source.Codec).Sample is not { } sample) return null;
            RecordProcessor.Identify(sample, source.Name, raw.Location); // sets Source when the record has none
            if (options.ComparesImages && sample.Images.Any(i => i.Phash is null))
                throw new InvalidDataException($"record {sample.Id} ({raw.Location}) has an image without a pHash; near-duplicate images need 'mmforge hash' first (or use --match exact or text)");
            var text = DuplicateText.Of(sample);
            return new KeyedSample(SampleKey.Of(sample, text, perSource, 0, raw.Location.Offset), sample.Id, sample.Source!, raw.Location.File, sourceNumber, recordNumber, Signature(text));
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
}
