using System.Diagnostics;

namespace MMForge.Tests.Cli;

/// <summary>Runs the real mmforge CLI in a child process, as a user's shell would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string workingDir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MMForge.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true); throw new TimeoutException("mmforge " + string.Join(' ', args)); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
