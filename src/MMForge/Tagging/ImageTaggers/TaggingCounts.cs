using System.Collections.Concurrent;

namespace MMForge.Tagging.ImageTaggers;

/// <summary>
/// What image taggers kept and dropped, for the stage to print and store: safe to share between
/// threads. Unknown words are tallied by name (about <see cref="MaxUnknownWords"/> distinct
/// names, a few more when threads race, so hostile input cannot grow it without bound;
/// <see cref="Unknown"/> counts them all).
/// </summary>
public sealed class TaggingCounts
{
    public const int MaxUnknownWords = 1000;

    private long samples;
    private long kept;
    private long belowThreshold;
    private long unknown;
    private readonly ConcurrentDictionary<string, long> unknownWords = new(StringComparer.Ordinal);

    public long Samples => Interlocked.Read(ref samples);

    /// <summary>Tags returned (after merging duplicates within a sample).</summary>
    public long Kept => Interlocked.Read(ref kept);

    /// <summary>Imported tags dropped because their score was under the tagger's minimum.</summary>
    public long BelowThreshold => Interlocked.Read(ref belowThreshold);

    /// <summary>Tags or box categories that name no vocabulary tag, and were dropped.</summary>
    public long Unknown => Interlocked.Read(ref unknown);

    /// <summary>The unknown names seen, with how often, most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> UnknownWords =>
        [.. unknownWords.OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal)];

    internal void AddSample(int keptTags, int belowThresholdTags)
    {
        Interlocked.Increment(ref samples);
        if (keptTags > 0) Interlocked.Add(ref kept, keptTags);
        if (belowThresholdTags > 0) Interlocked.Add(ref belowThreshold, belowThresholdTags);
    }

    internal void AddUnknown(string word)
    {
        Interlocked.Increment(ref unknown);
        if (unknownWords.Count < MaxUnknownWords || unknownWords.ContainsKey(word))
            unknownWords.AddOrUpdate(word, 1, (_, n) => n + 1);
    }
}
