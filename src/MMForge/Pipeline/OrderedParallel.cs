using System.Collections.Concurrent;

namespace MMForge.Pipeline;

/// <summary>
/// Runs a function over a stream in parallel batches while keeping the output in input order:
/// one thread reads and batches the input, exactly <c>workers</c> threads process batches, and
/// the caller's thread consumes results in input order. At most <c>2 x workers</c> batches are
/// in flight, so memory stays bounded however long the input is.
/// </summary>
public static class OrderedParallel
{
    public static void Run<TIn, TOut>(IEnumerable<TIn> input, int batchSize, int workers, Func<TIn, TOut> work, Action<TOut[]> consume)
    {
        workers = Math.Max(1, workers);
        var capacity = workers * 2;
        using var pending = new BlockingCollection<(TIn[] Batch, TaskCompletionSource<TOut[]> Result)>(capacity);
        using var inOrder = new BlockingCollection<TaskCompletionSource<TOut[]>>(capacity);
        using var stop = new CancellationTokenSource();
        Exception? readError = null;

        var reader = new Thread(() =>
        {
            try
            {
                foreach (var batch in input.Chunk(batchSize))
                {
                    var result = new TaskCompletionSource<TOut[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                    inOrder.Add(result, stop.Token);
                    pending.Add((batch, result), stop.Token);
                }
            }
            catch (OperationCanceledException) { } // the consumer failed and stopped reading
            catch (Exception e) { readError = e; }
            finally
            {
                pending.CompleteAdding();
                inOrder.CompleteAdding();
            }
        }) { IsBackground = true, Name = "mmforge-reader" };

        var threads = Enumerable.Range(0, workers).Select(i => new Thread(() =>
        {
            foreach (var (batch, result) in pending.GetConsumingEnumerable())
            {
                try { result.SetResult(Array.ConvertAll(batch, item => work(item))); }
                catch (Exception e) { result.SetException(e); }
            }
        }) { IsBackground = true, Name = $"mmforge-worker-{i}" }).ToList();

        reader.Start();
        threads.ForEach(t => t.Start());
        try
        {
            foreach (var result in inOrder.GetConsumingEnumerable())
                consume(result.Task.GetAwaiter().GetResult());
        }
        finally
        {
            stop.Cancel(); // on a consumer failure, stop the reader so every thread ends
            reader.Join();
            threads.ForEach(t => t.Join());
        }
        if (readError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readError);
    }
}
