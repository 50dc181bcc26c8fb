namespace MMForge.Bench;

/// <summary>
/// One benchmark, run as <c>MMForge.Bench NAME [options]</c>. Every implementation in this
/// assembly is found by reflection, so adding a benchmark is adding a file.
/// </summary>
public interface IBenchmark
{
    string Name { get; }

    /// <summary>One line for the usage text: what it measures and its options.</summary>
    string Usage { get; }

    /// <summary>Runs and prints figures with their same-run baselines; returns the exit code.</summary>
    int Run(BenchArgs args);
}
