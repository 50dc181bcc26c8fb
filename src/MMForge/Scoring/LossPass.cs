using System.Collections.Concurrent;
using MMForge.Formats;
using MMForge.Pipeline;

namespace MMForge.Scoring;

/// <summary>
/// The first pass of the score stage: reads every record in input order, and scores each decoded
/// sample asynchronously, up to <c>maxPending</c> at a time (waiting on the server costs no thread;
/// the client's own limit decides how many are on the wire). Each result is folded into a
/// <see cref="LossTable"/> on the reading thread. Records that do not decode get no entry: the
/// writing pass meets them again and rejects them as any stage does.
/// </summary>
internal sealed class LossPass(SampleScorer scorer, int maxPending)
{
    // Progress after this many records read, so a live display moves without a report per sample.
    private const int ReportEvery = 64;

    /// <summary>Scores the records of <paramref name="sources"/>, or of <paramref name="shard"/>'s run of them when given (numbered as every pass numbers them).</summary>
    public async Task<LossTable> RunAsync(IReadOnlyList<OpenedSource> sources, Action<JobProgress>? progress, ShardSpec? shard = null, CancellationToken ct = default)
    {
        var table = new LossTable();
        var finished = new ConcurrentQueue<(int Ordinal, ScoreOutcome Outcome)>();
        using var slots = new SemaphoreSlim(maxPending, maxPending);
        var running = new List<Task>();
        long records = 0, scored = 0, unscored = 0;

        void Fold()
        {
            while (finished.TryDequeue(out var done))
            {
                table.Set(done.Ordinal, done.Outcome);
                if (done.Outcome.Scored) scored++;
                else unscored++;
            }
        }

        // a source that breaks off ends here; the writing pass, which reads it again, rejects it as source-unreadable
        var items = sources.SelectMany(source => RecordJob.Guarded(SourceContext.ForReading(source)).Select(raw => (Raw: raw, Source: source)));
        if (shard is { } owned) items = owned.Take(items, sources);
        foreach (var (raw, source) in items)
        {
            records++;
            var at = raw.Location;
            // named as every pass names it: the source is what the cut groups by
            if (RecordProcessor.DecodeIdentified(raw, source) is { } sample)
            {
                var ordinal = table.Add(at, sample.Source!);
                await slots.WaitAsync(ct).ConfigureAwait(false);
                running.Add(ScoreAsync(sample, ordinal));
            }
            Fold();
            if (records % ReportEvery == 0)
            {
                running.RemoveAll(task => task.IsCompleted);
                progress?.Invoke(new JobProgress("loss of " + source.Name, records, scored, unscored, at.Offset + Math.Max(0, at.Length), null));
            }
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        Fold();
        progress?.Invoke(new JobProgress("loss of " + (sources.Count > 0 ? sources[^1].Name : ""), records, scored, unscored, 0, null));
        return table;

        async Task ScoreAsync(Records.Sample sample, int ordinal)
        {
            try
            {
                finished.Enqueue((ordinal, await scorer.ScoreAsync(sample, ct).ConfigureAwait(false)));
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
