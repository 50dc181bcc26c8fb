using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Selection;

/// <summary>
/// The first pass of a selection: decodes every record (in parallel, consumed in input order)
/// into its <see cref="SelectionKey"/> and its tokens under each mix's limit. Records read through
/// <see cref="RecordJob.Guarded"/>, as the writing pass reads them, so ordinals agree.
/// </summary>
internal sealed class SelectionKeyPass(BalanceOptions balance, IReadOnlyList<MixSpec> mixes, ulong seed, int workers)
{
    private sealed record Keyed(string Source, string Stratum, List<string> Tags, int Yes, int No, ulong Draw, long[] Tokens, int ImagesWithoutSize);

    public SelectionKeys Run(IReadOnlyList<OpenedSource> sources, Action<JobProgress>? progress)
    {
        var keys = new SelectionKeys { MixCount = mixes.Count };
        for (var input = 0; input < sources.Count; input++)
        {
            var source = sources[input];
            var context = SourceContext.ForReading(source);
            var ordinal = 0;
            var current = input;
            OrderedParallel.Run(RecordJob.Guarded(context), 512, workers, raw => (raw.Location, Keyed: Decode(raw, source)), batch =>
            {
                foreach (var (_, keyed) in batch)
                {
                    if (keyed is null) keys.Undecoded.Add((current, ordinal));
                    else Add(keys, keyed, current, ordinal);
                    ordinal++;
                }
                progress?.Invoke(new JobProgress("keys of " + source.Name, keys.Keys.Count + keys.Undecoded.Count, keys.Keys.Count, keys.Undecoded.Count,
                    batch[^1].Location.Offset + Math.Max(0, batch[^1].Location.Length), null));
            });
            keys.RecordsPerInput.Add(ordinal);
        }
        return keys;
    }

    private static void Add(SelectionKeys keys, Keyed keyed, int input, int ordinal)
    {
        var tagStart = keys.TagIds.Count;
        foreach (var tag in keyed.Tags) keys.TagIds.Add(keys.Tags.Id(tag));
        keys.Keys.Add(new SelectionKey
        {
            Input = input, Ordinal = ordinal,
            Source = keys.Sources.Id(keyed.Source), Stratum = keys.Strata.Id(keyed.Stratum),
            TagStart = tagStart, TagCount = (ushort)keyed.Tags.Count,
            Yes = (ushort)Math.Min(keyed.Yes, ushort.MaxValue), No = (ushort)Math.Min(keyed.No, ushort.MaxValue),
            Draw = keyed.Draw,
        });
        keys.Tokens.AddRange(keyed.Tokens);
        keys.ImagesWithoutSize += keyed.ImagesWithoutSize;
    }

    private Keyed? Decode(RawRecord raw, OpenedSource source)
    {
        if (RecordProcessor.DecodeIdentified(raw, source) is not { } sample) return null;
        var (yes, no) = YesNoBalanceRule.Answers(sample);
        var tags = sample.ImageTags.Select(t => t.Tag).Distinct(StringComparer.Ordinal).Take(ushort.MaxValue).ToList();
        return new Keyed(sample.Source!, balance.StratumOf(sample), tags, yes, no, StableRandom.Bits(seed, sample.Id),
            mixes.Select(m => m.Limit.Tokens(sample)).ToArray(), sample.Images.Count(i => i is not { Width: > 0, Height: > 0 }));
    }
}
