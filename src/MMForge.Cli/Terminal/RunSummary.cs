using MMForge.Pipeline;

namespace MMForge.Cli.Terminal;

/// <summary>The closing summary of a run on stdout: counts per source and per rule, and where things went.</summary>
public static class RunSummary
{
    public static void Print(string stage, Manifest manifest, string output, string? rejectsPath, TimeSpan elapsed)
    {
        var o = Console.Out;
        o.WriteLine($"{stage}: {manifest.Records:N0} records kept, {manifest.Rejected:N0} rejected in {elapsed.TotalSeconds:F1}s -> {output}");
        foreach (var input in manifest.Stages[^1].Inputs)
            o.WriteLine($"  input {input.Name} ({input.Format}, {input.File}): {input.Records:N0} kept, {input.Rejected:N0} rejected");
        foreach (var (rule, n) in manifest.RejectsByRule) o.WriteLine($"  rejected by {rule}: {n:N0}");
        foreach (var (rule, n) in manifest.DroppedPairsByRule) o.WriteLine($"  samples that lost pairs to {rule}: {n:N0}");
        if (manifest.Rejected + manifest.DroppedPairsByRule.Count > 0 && rejectsPath is not null) o.WriteLine($"  rejects with reasons: {rejectsPath}");
    }

    /// <summary>0 when everything went through, 1 when something was rejected or dropped (the documented exit codes).</summary>
    public static int ExitCode(Manifest manifest) => manifest.Rejected > 0 || manifest.DroppedPairsByRule.Count > 0 ? 1 : 0;
}
