namespace MMForge.Synthesis.Journal;

/// <summary>
/// The steps of one image: a step whose result the journal holds is not run again, and a step
/// that finishes is journaled at once, so a crash repeats only the steps in flight at that moment.
/// </summary>
public sealed class StepMemo(SynthesisJournal journal, string imageKey)
{
    // read once when the image starts: the steps a killed run finished for it
    private readonly Dictionary<string, string> finished = journal.Steps(imageKey);

    /// <summary>The result of step <paramref name="step"/> (a model reply, as text), from the journal or from <paramref name="run"/>.</summary>
    public async Task<string> OnceAsync(string step, Func<Task<string>> run)
    {
        if (finished.TryGetValue(step, out var done)) return done;
        var result = await run().ConfigureAwait(false);
        journal.PutStep(imageKey, step, result);
        return result;
    }
}
