using System.Collections.Concurrent;
using System.Diagnostics;
using MMForge.Formats;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Synthesis.Journal;

namespace MMForge.Synthesis;

/// <summary>
/// The first pass of the synthesis stage: every input image not yet finished in the journal is
/// handed to the generator, up to <c>imagesInFlight</c> at a time (their model calls wait for the
/// client's concurrency limit, so the servers always have work queued), and each result or
/// failure is journaled as soon as it is known. Nothing is written to the output here; the
/// writing pass reads the journal in input order, so the output does not depend on which image
/// finished first, and a killed run resumes where it stopped. With a <paramref name="shard"/>, only
/// the images of that shard's run of the input are generated (the records the writing pass takes).
/// </summary>
public sealed class GenerationPass(ISampleGenerator generator, SynthesisJournal journal, int imagesInFlight, Func<ModelUsage>? usage = null, ShardSpec? shard = null)
{
    public const string ModelFailedRule = "synthesis-model-failed";
    public const string FailedRule = "synthesis-failed";

    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, long> refused = new(StringComparer.Ordinal);
    private long done, fromJournal, failed, accepted, total;
    private readonly Stopwatch clock = new();

    public async Task RunAsync(IReadOnlyList<OpenedSource> sources, Action<SynthesisProgress>? progress, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesInFlight, 1);
        clock.Restart();
        total = sources.Sum(s => s.DatasetManifest?.Records ?? 0);
        // numbered as the writing pass numbers them (RecordJob), before the shard is cut
        var records = sources.Select(SourceContext.ForReading).SelectMany(context => RecordJob.Guarded(context).Select(raw => (Raw: raw, Context: context)))
            .Select((item, number) => (item.Raw, item.Context, Number: (long)number));
        if (shard is { } part)
        {
            // the shard's run of the input, numbered as the writing pass numbers it; about a COUNT-th of the images
            records = part.Take(records, sources);
            total = (total + part.Count - 1) / part.Count;
        }
        using var window = new SemaphoreSlim(imagesInFlight, imagesInFlight);
        using var stopReporting = new CancellationTokenSource();
        var reporter = progress is null ? Task.CompletedTask : ReportAsync(progress, stopReporting.Token);
        try
        {
            foreach (var (raw, context, number) in records)
            {
                // a record that does not decode, or names an image outside its root, is left to the writing pass, which rejects it
                if (RecordProcessor.DecodeIdentified(raw, context.Source) is not { } sample || RecordProcessor.RefusedImagePath(sample, context) is not null) continue;
                var key = SynthesisKeys.Of(sample, number);
                if (journal.IsFinished(key))
                {
                    Interlocked.Increment(ref fromJournal);
                    Interlocked.Increment(ref done);
                    continue;
                }
                await window.WaitAsync(ct).ConfigureAwait(false);
                _ = GenerateAsync(sample, key, context, window, ct);
            }
            // Every image has ended once every slot of the window is free again.
            for (var i = 0; i < imagesInFlight; i++) await window.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await stopReporting.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);
        }
        progress?.Invoke(Snapshot());
    }

    /// <summary>One image, start to journal; never throws, so no failure goes unobserved.</summary>
    private async Task GenerateAsync(Sample sample, string key, SourceContext source, SemaphoreSlim window, CancellationToken ct)
    {
        try
        {
            await Task.Yield(); // the reading loop goes on while this image waits for its first reply
            var context = new GenerationContext(key, new StepMemo(journal, key), image => source.ResolverFor(image).FullPath(image));
            var result = await generator.GenerateAsync(sample, context, ct).ConfigureAwait(false);
            journal.Finish(key, result);
            Interlocked.Add(ref accepted, result.Pairs.Count);
            foreach (var drop in result.Dropped) refused.AddOrUpdate(drop.Rule, 1, (_, n) => n + 1);
        }
        catch (ModelCallException e)
        {
            Fail(key, ModelFailedRule, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping: the image is neither finished nor failed, and the next run takes it up
        }
        catch (Exception e)
        {
            // A generator bug or an input nobody foresaw must cost this image, not the run.
            Fail(key, FailedRule, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            Interlocked.Increment(ref done);
            window.Release();
        }
    }

    private void Fail(string key, string rule, string reason)
    {
        journal.Fail(key, rule, reason);
        Interlocked.Increment(ref failed);
    }

    private async Task ReportAsync(Action<SynthesisProgress> progress, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) progress(Snapshot());
        }
        catch (OperationCanceledException) { } // the pass ended
    }

    private SynthesisProgress Snapshot() => new(
        Interlocked.Read(ref done), Math.Max(total, Interlocked.Read(ref done)), Interlocked.Read(ref fromJournal), Interlocked.Read(ref failed),
        Interlocked.Read(ref accepted), new SortedDictionary<string, long>(refused, StringComparer.Ordinal), usage?.Invoke(), clock.Elapsed);
}
