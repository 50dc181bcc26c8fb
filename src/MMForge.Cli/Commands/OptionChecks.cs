using System.CommandLine;

namespace MMForge.Cli.Commands;

/// <summary>Value checks on options, declared once so that every command behaves the same on a value that does not parse.</summary>
internal static class OptionChecks
{
    /// <summary>
    /// Adds a check of the parsed value. A value that did not parse at all is left to the parser,
    /// which reports it as a usage error (reading it here would throw instead).
    /// </summary>
    public static void Require<T>(this Option<T> option, Func<T, bool> valid, string message) =>
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>()!;
            }
            catch (InvalidOperationException)
            {
                return;
            }
            if (!valid(value)) result.AddError(message);
        });
}
