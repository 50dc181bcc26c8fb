using MMForge.Recipes;
using MMForge.Tests.Cli;
using MMForge.Tests.Recipes;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>The example recipe on the real one-machine Slurm cluster: its outputs are byte for byte those of the local executor.</summary>
public sealed class SlurmExecutorTests
{
    [Fact]
    public void The_example_recipe_on_slurm_writes_exactly_what_the_local_executor_writes()
    {
        SlurmClusterTests.StartLocalCluster();
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");
        CliRunner.Result Run(params string[] executor) => CliRunner.Run(dir.File("examples"), ["run", "recipe.yaml", "-o", run, "--workers", "2", .. executor]);

        // every stage in as many shards as Slurm's, so the manifests list the same shards
        var local = Run("--executor", "local", "--shards", "2");
        Assert.True(local.ExitCode is 0 or 1, local.Stdout + local.Stderr);
        Directory.Move(run, dir.File("run-local"));
        var refused = Run("--executor", "slurm", "--memory", "1000T"); // more than the node has: sbatch refuses the first job
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("sbatch refused ingest", refused.Stderr);
        Assert.Contains("Requested node configuration is not available", refused.Stderr);
        Directory.Delete(run, recursive: true);
        var slurm = Run("--executor", "slurm", "--memory", "200M", "--decide-memory", "300M"); // what the jobs ask for reaches sbatch

        Assert.True(slurm.ExitCode is 0 or 1, slurm.Stdout + slurm.Stderr);
        Assert.Contains("slurm: submitted hash as job", slurm.Stdout);
        Assert.Contains("(array 0-1, shards from 0)", slurm.Stdout);
        Assert.True(File.Exists(Path.Combine(run, "logs", "hash.shard-1.log")), "per-task logs");
        // Slurm keeps a finished job for MinJobAge (300 s): the decide job asked for its own memory, a shard array for the others'
        Assert.Contains("MinMemoryNode=300M", JobInfo(slurm.Stdout, "select-decide"));
        Assert.Contains("MinMemoryNode=200M", JobInfo(slurm.Stdout, "select"));
        FileTree.AssertIdentical(Path.Combine(dir.File("run-local"), "stages"), Path.Combine(run, "stages"), "between the local and the slurm run");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("run-local"), "report.json")), File.ReadAllBytes(Path.Combine(run, "report.json")));
        Assert.Equal(RunFile.Load(dir.File("run-local")).Stages.Select(s => s.Fingerprint), RunFile.Load(run).Stages.Select(s => s.Fingerprint));

        var again = Run("--executor", "slurm");
        Assert.DoesNotContain("slurm: submitted", again.Stdout);
    }

    /// <summary>What <c>scontrol show job</c> says of the job the run submitted as <paramref name="name"/>.</summary>
    private static string JobInfo(string runOutput, string name)
    {
        var id = System.Text.RegularExpressions.Regex.Match(runOutput, $"slurm: submitted {System.Text.RegularExpressions.Regex.Escape(name)} as job (\\d+)").Groups[1].Value;
        var info = new System.Diagnostics.ProcessStartInfo("scontrol", ["show", "job", id]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }
}
