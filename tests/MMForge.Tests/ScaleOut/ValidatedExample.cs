using MMForge.Tests.Cli;
using MMForge.Tests.Recipes;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>The example recipe's real data, ingested and validated once, as the input the sharded stages' tests read.</summary>
public static class ValidatedExample
{
    /// <summary>Copies the example into <paramref name="dir"/>, runs it until validate and returns the validate stage's dataset.</summary>
    public static string In(TempDir dir)
    {
        ExampleCopy.Into(dir.File("examples"));
        var run = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", dir.File("run"), "--until", "validate");
        Assert.True(run.ExitCode is 0 or 1, run.Stdout + run.Stderr);
        return Path.Combine(dir.File("run"), "stages", "validate");
    }
}
