using System.Diagnostics;

namespace MMForge.Tests.Cli;

/// <summary>Runs the real mmforge CLI in a child process, as a user's shell would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// The CLI as its own project built it (same configuration as the tests), not the copy in the
    /// test output: the tests reference ASP.NET Core for the fake model server, so the copy there
    /// lacks the packages the framework provides to the tests but not to the CLI.
    /// </summary>
    private static readonly string CliDll = Path.Combine(Support.TestPaths.RepoRoot, "src", "MMForge.Cli", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory).Name, "MMForge.Cli.dll");

    public static Result Run(string workingDir, params string[] args)
    {
        using var process = Start(workingDir, args);
        return Wait(process, args);
    }

    /// <summary>Runs the CLI with extra environment variables (an API key, a home folder of its own).</summary>
    public static Result Run(string workingDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDir, environment, args);
        return Wait(process, args);
    }

    /// <summary>Starts the CLI without waiting, for tests that stop it midway.</summary>
    public static Process Start(string workingDir, params string[] args) => Start(workingDir, new Dictionary<string, string>(), args);

    private static Process Start(string workingDir, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return Process.Start(info)!;
    }

    /// <summary>Waits for a started CLI (two minutes at most) and collects what it printed.</summary>
    public static Result Wait(Process process, params string[] args)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true); throw new TimeoutException("mmforge " + string.Join(' ', args)); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
