namespace MMForge.Models;

/// <summary>
/// The client's limit on requests in flight, handing a freed slot straight to the next waiter:
/// the waiter's continuation (sending its request) runs on the thread that freed the slot, at
/// once. A <see cref="SemaphoreSlim"/> queues it to the thread pool instead, where under load it
/// waits behind every other continuation while the slot, counted as in flight, carries nothing
/// (256 slots at 200 ms reached 93% of the ideal throughput that way).
/// </summary>
internal sealed class RequestSlots(int count)
{
    private readonly Lock gate = new();
    private readonly Queue<TaskCompletionSource> waiters = new();
    private int free = count;

    public Task WaitAsync(CancellationToken ct)
    {
        TaskCompletionSource waiter;
        lock (gate)
        {
            if (free > 0)
            {
                free--;
                return Task.CompletedTask;
            }
            waiter = new TaskCompletionSource(); // continuations run inline on purpose: see the summary
            waiters.Enqueue(waiter);
        }
        if (ct.CanBeCanceled) ct.Register(() => waiter.TrySetCanceled(ct));
        return waiter.Task;
    }

    public void Release()
    {
        while (true)
        {
            TaskCompletionSource? next;
            lock (gate)
            {
                if (!waiters.TryDequeue(out next))
                {
                    free++;
                    return;
                }
            }
            if (next.TrySetResult()) return; // a cancelled waiter gives the slot on to the next
        }
    }
}
