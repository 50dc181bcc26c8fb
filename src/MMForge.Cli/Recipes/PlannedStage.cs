using MMForge.Recipes;

namespace MMForge.Cli.Recipes;

/// <summary>
/// A recipe stage turned into the command line that runs it: its inputs, its output under the run
/// directory, the parameter files to write first, and the fingerprint that says whether it must run.
/// </summary>
internal sealed record PlannedStage(RecipeStage Stage, StageShape Shape, int Number)
{
    public required IReadOnlyList<PlannedStage> Inputs { get; init; }

    /// <summary>Earlier stages a parameter names as <c>$NAME</c> (synthesize's seed data and correspondence model).</summary>
    public IReadOnlyList<PlannedStage> References { get; init; } = [];

    /// <summary>The stages whose products this one reads: it may start once they have finished.</summary>
    public IEnumerable<PlannedStage> Needs => Inputs.Concat(References);

    /// <summary>The full argument list after "mmforge".</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>The stage's folder under the run directory (absolute).</summary>
    public required string Output { get; init; }

    /// <summary>What other stages read: the folder, or the one file the stage makes.</summary>
    public string Product => Shape.ProductFile is { } file ? Path.Combine(Output, file) : Output;

    /// <summary>Files the command line names that the run writes before starting the stage (structured parameters, the ingest sources file).</summary>
    public required IReadOnlyDictionary<string, string> ParamFiles { get; init; }

    public required string Fingerprint { get; init; }

    /// <summary>How many shard processes run the stage (1: one process); sharded stages end with merge-shards (<see cref="ScaleOut"/>).</summary>
    public int Shards { get; init; } = 1;

    public string Name => Stage.Name;

    /// <summary>The stage as the executors run it, in steps.</summary>
    public ScaleOut.ScaleOutStage ScaleOut => new(Name, Args, Shards);

    /// <summary>Whether the output is complete on disk: datasets and selections carry the file written last; other outputs the product.</summary>
    public bool OutputComplete => Shape.Output switch
    {
        StageOutputKind.Dataset => Pipeline.DatasetDirectory.IsDataset(Output),
        StageOutputKind.Mixes => Selection.MixDirectory.IsMixDirectory(Output),
        _ => Shape.ProductFile is { } file ? File.Exists(Path.Combine(Output, file)) : Directory.Exists(Output),
    };
}
