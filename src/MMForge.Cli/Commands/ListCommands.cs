using System.CommandLine;
using MMForge.Filters;
using MMForge.Formats;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge formats</c> and <c>mmforge rules</c>: what can be read and written, and what validation checks.</summary>
internal static class ListCommands
{
    public static Command Formats()
    {
        var command = new Command("formats", "List the record and document formats mmforge reads and writes.");
        command.SetAction(_ =>
        {
            foreach (var codec in FormatRegistry.Default.Codecs) Console.Out.WriteLine($"{codec.Name,-14} {codec.Description}");
            foreach (var doc in FormatRegistry.Default.Documents) Console.Out.WriteLine($"{doc.Name,-14} {doc.Description}");
            return 0;
        });
        return command;
    }

    public static Command Rules()
    {
        var command = new Command("rules", "List the validation rules in the order they run, and whether each is on by default.");
        command.SetAction(_ =>
        {
            foreach (var rule in RuleSet.All()) Console.Out.WriteLine($"{rule.Name,-20} {(rule.OnByDefault ? "on " : "off")}  {rule.Description}");
            return 0;
        });
        return command;
    }
}
