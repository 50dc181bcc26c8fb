using System.CommandLine;
using MMForge.Cli.Commands;

namespace MMForge.Cli;

/// <summary>
/// The mmforge command line. Exit codes: 0 everything went through, 1 finished with rejected
/// records or errors, 2 bad usage (unknown option, missing input, unreadable format).
/// </summary>
public static class Program
{
    public const int Ok = 0, Rejected = 1, Usage = 2;

    /// <summary>Every command; recipes look their stages' options up here.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("mmforge: build vision-language instruction datasets. Ingest datasets in any common format, validate, hash and check images, remove duplicates, tag images and instructions, synthesize grounded questions, convert.")
        {
            IngestCommand.Create(),
            ValidateCommand.Create(),
            ConvertCommand.Create(),
            ExportCommand.Create(),
            InspectCommand.Create(),
            HashCommand.Create(),
            DedupCommand.Create(),
            TagCommand.Create(),
            MapCommand.Create(),
            SynthesizeCommand.Create(),
            ScoreCommand.Create(),
            SelectCommand.Create(),
            PhashCommand.Create(),
            ReportCommand.Create(),
            RunCommand.Create(),
            MergeShardsCommand.Create(),
            StatusCommand.Create(),
            ListCommands.Formats(),
            ListCommands.Rules(),
        };
        root.HelpName = "mmforge"; // users run the ./mmforge launcher, not the assembly
        return root;
    }

    public static int Main(string[] args)
    {
        var parsed = CreateRoot().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine("error: " + error.Message);
            Console.Error.WriteLine($"Try 'mmforge {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(1))} --help'.".Replace("  ", " "));
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or MMForge.Media.NativeLibraryMissingException or MMForge.Tagging.ModelTaggers.ModelStepException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return Rejected;
        }
    }
}
