using System.Collections.Concurrent;

namespace MMForge.Pipeline;

/// <summary>
/// Runs a function over a stream in parallel batches while keeping the output in input order:
/// one thread reads and batches the input, the thread pool processes batches, and the caller's
/// thread consumes results in order. At most <c>2 x workers</c> batches are in flight, so memory
/// stays bounded however long the input is.
/// </summary>
public static class OrderedParallel
{
    public static void Run<TIn, TOut>(IEnumerable<TIn> input, int batchSize, int workers, Func<TIn, TOut> work, Action<TOut[]> consume)
    {
        using var queue = new BlockingCollection<Task<TOut[]>>(Math.Max(2, workers * 2));
        using var stop = new CancellationTokenSource();
        Exception? readError = null;
        var reader = new Thread(() =>
        {
            try
            {
                foreach (var batch in input.Chunk(batchSize))
                    queue.Add(Task.Run(() => Array.ConvertAll(batch, item => work(item))), stop.Token);
            }
            catch (OperationCanceledException) { } // the consumer failed and stopped reading
            catch (Exception e) { readError = e; }
            finally { queue.CompleteAdding(); }
        }) { IsBackground = true, Name = "mmforge-reader" };
        reader.Start();
        try
        {
            foreach (var task in queue.GetConsumingEnumerable())
                consume(task.GetAwaiter().GetResult());
        }
        finally
        {
            // on a consumer failure, stop the reader so its thread ends
            stop.Cancel();
            reader.Join();
        }
        if (readError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readError);
    }
}
