using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Selection;

/// <summary>What the decisions need of one decoded sample, by name: a key pass's output before the names are numbered.</summary>
internal sealed record SampleFacts(string Source, string Stratum, IReadOnlyList<string> Tags, int Yes, int No, ulong Draw, long[] Tokens, int ImagesWithoutSize);

/// <summary>One record as the key pass read it: where (input, ordinal in that input's record stream) and, when it decoded, its facts.</summary>
internal sealed record KeyedRecord(int Input, int Ordinal, SampleFacts? Facts);

/// <summary>The records of one input a key pass read: ordinals [First, First + Count).</summary>
internal readonly record struct InputRun(int Input, int First, int Count);

/// <summary>
/// The first pass of a selection: decodes every record (in parallel, consumed in input order)
/// into its facts and its tokens under each mix's limit. Records read through
/// <see cref="RecordJob.Guarded"/>, as the writing pass reads them, so ordinals agree. With a
/// shard, only that shard's contiguous run is decoded; the records before it are still counted,
/// so every shard numbers records as one process does.
/// </summary>
internal sealed class SelectionKeyPass(BalanceOptions balance, IReadOnlyList<MixSpec> mixes, ulong seed, int workers)
{
    /// <summary>Hands every record of <paramref name="sources"/> (of <paramref name="shard"/> only, when given) to <paramref name="consume"/> in input order; returns the runs of each input it read.</summary>
    public List<InputRun> Run(IReadOnlyList<OpenedSource> sources, ShardSpec? shard, Action<KeyedRecord> consume, Action<JobProgress>? progress)
    {
        var items = sources.SelectMany((source, input) => RecordJob.Guarded(SourceContext.ForReading(source))
            .Select((raw, ordinal) => (Raw: raw, Input: input, Ordinal: ordinal)));
        if (shard is { } owned) items = owned.Take(items, sources);
        var runs = new List<InputRun>();
        long records = 0, decoded = 0;
        OrderedParallel.Run(items, 512, workers, item => (item.Raw.Location, Keyed: new KeyedRecord(item.Input, item.Ordinal, Decode(item.Raw, sources[item.Input]))), batch =>
        {
            foreach (var (_, keyed) in batch)
            {
                if (runs.Count == 0 || runs[^1].Input != keyed.Input) runs.Add(new InputRun(keyed.Input, keyed.Ordinal, 0));
                runs[^1] = runs[^1] with { Count = runs[^1].Count + 1 };
                records++;
                if (keyed.Facts is not null) decoded++;
                consume(keyed);
            }
            var (location, last) = batch[^1];
            progress?.Invoke(new JobProgress("keys of " + sources[last.Input].Name, records, decoded, records - decoded, location.Offset + Math.Max(0, location.Length), null));
        });
        return runs;
    }

    private SampleFacts? Decode(RawRecord raw, OpenedSource source)
    {
        if (RecordProcessor.DecodeIdentified(raw, source) is not { } sample) return null;
        var (yes, no) = YesNoBalanceRule.Answers(sample);
        var tags = sample.ImageTags.Select(t => t.Tag).Distinct(StringComparer.Ordinal).Take(ushort.MaxValue).ToList();
        return new SampleFacts(sample.Source!, balance.StratumOf(sample), tags, yes, no, StableRandom.Bits(seed, sample.Id),
            mixes.Select(m => m.Limit.Tokens(sample)).ToArray(), sample.Images.Count(i => i is not { Width: > 0, Height: > 0 }));
    }
}
