namespace MMForge.Cli.Recipes;

/// <summary>
/// Runs stages on this machine as soon as the stages they need have finished, at most
/// <paramref name="processes"/> processes at once: a sharded stage counts its shards, and one with
/// more shards than that runs when nothing else does. Among the stages that may start, recipe
/// order decides, and the first that does not fit waits for room. So independent stages share the
/// cores (the exports of one selection; map fit beside synthesize), where one stage alone cannot
/// keep them busy; with one process the stages run one after another in recipe order.
/// </summary>
internal sealed class LocalScheduler(int processes)
{
    /// <param name="stages">The stages to run, in recipe order; a stage they need that is not among them has finished.</param>
    /// <param name="starting">Called on this thread just before a stage starts.</param>
    /// <param name="run">Runs a stage to its end, on a thread of its own.</param>
    /// <param name="finished">Called on this thread with each stage's result; false (it failed) lets no further stage start, and the running ones finish.</param>
    /// <returns>Whether every stage ran and <paramref name="finished"/> accepted it.</returns>
    public bool Run(IReadOnlyList<PlannedStage> stages, Action<PlannedStage> starting, Func<PlannedStage, StageResult> run, Func<PlannedStage, StageResult, bool> finished)
    {
        var waiting = stages.ToList();
        var running = new Dictionary<Task<StageResult>, PlannedStage>();
        var failed = false;
        while (true)
        {
            if (!failed) Start(waiting, running, starting, run);
            if (running.Count == 0) return !failed && waiting.Count == 0;
            var done = running.Keys.ElementAt(Task.WaitAny([.. running.Keys]));
            var stage = running[done];
            running.Remove(done);
            if (!finished(stage, done.GetAwaiter().GetResult())) failed = true;
        }
    }

    private void Start(List<PlannedStage> waiting, Dictionary<Task<StageResult>, PlannedStage> running, Action<PlannedStage> starting, Func<PlannedStage, StageResult> run)
    {
        var busy = running.Values.Sum(s => s.Shards);
        var unfinished = waiting.Concat(running.Values).ToHashSet();
        foreach (var stage in waiting.Where(s => s.Needs.All(n => !unfinished.Contains(n))).ToList())
        {
            if (busy > 0 && busy + stage.Shards > processes) return;
            starting(stage);
            waiting.Remove(stage);
            running[Task.Factory.StartNew(() => run(stage), TaskCreationOptions.LongRunning)] = stage;
            busy += stage.Shards;
        }
    }
}
