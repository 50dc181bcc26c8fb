using System.Diagnostics;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// Real Slurm on this machine (scripts/slurm-local.sh: munged, slurmctld and slurmd on localhost):
/// a job array and a job that depends on it run to the end. Where Slurm cannot run (not root, no
/// packages) the test is reported as skipped with the script's reason, never as passed.
/// </summary>
public sealed class SlurmClusterTests
{
    private const int CannotRunSlurm = 3;
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(120);
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void A_job_array_runs_every_task_and_the_job_depending_on_it_sees_all_their_outputs()
    {
        StartLocalCluster();
        using var dir = TestPaths.NewTempDir();
        // The jobs read their output folder from the environment sbatch passes on, so no path is
        // ever spliced into the shell text they run.
        var environment = new Dictionary<string, string> { ["MMFORGE_SLURM_OUT"] = dir.Path };

        var array = Submit(environment, "--array=0-3", "--output=" + dir.File("task-%a.log"),
            "--wrap", "echo \"$SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID\" > \"$MMFORGE_SLURM_OUT/out-$SLURM_ARRAY_TASK_ID\"");
        var listing = Submit(environment, "--dependency=afterok:" + array, "--output=" + dir.File("listing.log"),
            "--wrap", "ls \"$MMFORGE_SLURM_OUT\" | grep '^out-'");
        WaitUntilGone(array, listing);

        for (var task = 0; task < 4; task++)
        {
            var output = dir.File($"out-{task}");
            Assert.True(File.Exists(output), $"array task {task} wrote nothing; its log: {ReadIfExists(dir.File($"task-{task}.log"))}");
            Assert.Equal($"{task} of {array}", File.ReadAllText(output).Trim());
        }
        Assert.Equal(["out-0", "out-1", "out-2", "out-3"], File.ReadAllLines(dir.File("listing.log")));
    }

    /// <summary>Starts the one-machine cluster, or skips the test with the reason it cannot run here.</summary>
    internal static void StartLocalCluster()
    {
        var start = Run(NoEnvironment, Path.Combine(TestPaths.RepoRoot, "scripts", "slurm-local.sh"), "start");
        if (start.ExitCode == CannotRunSlurm) Assert.Skip(start.Stderr.Trim());
        Assert.True(start.ExitCode == 0, $"scripts/slurm-local.sh start exited {start.ExitCode}: {start.Stderr}");
    }

    /// <summary>Submits a batch job and returns its id (sbatch --parsable prints "id" or "id;cluster").</summary>
    private static string Submit(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var result = Run(environment, "sbatch", ["--parsable", "--job-name=mmforge-test", .. args]);
        Assert.True(result.ExitCode == 0, $"sbatch {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return result.Stdout.Trim().Split(';')[0];
    }

    /// <summary>
    /// Polls squeue until none of the jobs is queued or running (no accounting here, so sacct
    /// knows nothing; squeue forgets a finished job or no longer lists it).
    /// </summary>
    private static void WaitUntilGone(params string[] jobs)
    {
        var ids = string.Join(',', jobs);
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < QueueTimeout)
        {
            var queue = Run(NoEnvironment, "squeue", "-h", "-j", ids, "-o", "%i %T %r");
            // Once every job has left slurmctld's memory, squeue reports the ids as invalid.
            if (queue.ExitCode == 0 ? queue.Stdout.Trim().Length == 0 : queue.Stderr.Contains("Invalid job id")) return;
            last = queue.Stdout + queue.Stderr;
            Thread.Sleep(1000);
        }
        Run(NoEnvironment, "scancel", jobs);
        Assert.Fail($"jobs {ids} still queued after {QueueTimeout.TotalSeconds:0}s:\n{last}");
    }

    private static string ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no log)";

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Result Run(IReadOnlyDictionary<string, string> environment, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Generous: the first start may install the Debian packages.
        if (!process.WaitForExit(300_000)) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{program} {string.Join(' ', args)}"); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
