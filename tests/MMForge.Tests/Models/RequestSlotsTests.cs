using MMForge.Models;

namespace MMForge.Tests.Models;

public sealed class RequestSlotsTests
{
    [Fact]
    public async Task A_freed_slot_goes_to_the_first_waiter_at_once_and_a_cancelled_waiter_passes_it_on()
    {
        var slots = new RequestSlots(1);
        await slots.WaitAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.WaitAsync(cancel.Token);
        var ranOn = -1;
        var waiting = slots.WaitAsync(CancellationToken.None).ContinueWith(_ => ranOn = Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
        Assert.False(waiting.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        slots.Release();
        Assert.True(waiting.IsCompleted); // handed over on the releasing thread, not queued to the pool
        Assert.Equal(Environment.CurrentManagedThreadId, ranOn);

        slots.Release();
        Assert.True(slots.WaitAsync(CancellationToken.None).IsCompleted); // the slot is free again
    }
}
