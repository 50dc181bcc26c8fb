using MMForge.Pipeline;
using Spectre.Console;

namespace MMForge.Cli.Terminal;

/// <summary>
/// Shows job progress on stderr: a live Spectre.Console line when stderr is a terminal, a plain
/// line every few seconds otherwise (logs, CI), so stdout stays clean for results.
/// </summary>
public sealed class ProgressDisplay
{
    /// <summary>
    /// Set by <c>mmforge run</c> for a process it runs beside others (stages side by side, shards):
    /// progress then comes as plain lines led by <c>[LABEL]</c>, the first at once, since live
    /// lines of several processes would draw over each other on one terminal.
    /// </summary>
    public const string LabelVariable = "MMFORGE_PROGRESS_LABEL";

    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private readonly string _stage;
    private readonly string? _label = Environment.GetEnvironmentVariable(LabelVariable) is { Length: > 0 } label ? label : null;
    private readonly bool _interactive;
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan? _lastPrinted;

    public ProgressDisplay(string stage)
    {
        _stage = stage;
        _interactive = _label is null && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;
    }

    /// <summary>Runs <paramref name="work"/> with a live display; the action given to it reports progress.</summary>
    public T Run<T>(Func<Action<JobProgress>, T> work) => RunWithStatus(status => work(p => status(Describe(p))));

    /// <summary>Runs <paramref name="work"/> with a live display of the status lines it reports.</summary>
    public T RunWithStatus<T>(Func<Action<string>, T> work)
    {
        if (!_interactive) return work(PrintPlain);
        T result = default!;
        _console.Status().Start($"{_stage}: starting", ctx => { result = work(line => ctx.Status(Markup.Escape(line))); });
        return result;
    }

    private void PrintPlain(string line)
    {
        var labelledStart = _label is not null && _lastPrinted is null;
        if (!labelledStart && _clock.Elapsed - (_lastPrinted ?? TimeSpan.Zero) < PlainInterval) return;
        _lastPrinted = _clock.Elapsed;
        Console.Error.WriteLine(_label is null ? line : $"[{_label}] {line}");
    }

    private string Describe(JobProgress p)
    {
        var rate = p.Records / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        var share = p.SourceBytesTotal is > 0 and var total ? $", {Math.Min(100, 100.0 * p.SourceBytesRead / total):F0}% of {p.Source}" : $", {p.Source}";
        return $"{_stage}: {p.Records:N0} records ({p.Kept:N0} kept, {p.Rejected:N0} rejected){share}, {rate:N0} records/s";
    }
}
