using MMForge.Recipes;

namespace MMForge.Cli.Recipes;

/// <summary>What a stage reads: the recipe's sources, one earlier output, or several.</summary>
internal enum StageInputs { Sources, One, Many }

/// <summary>
/// How a recipe stage kind maps onto an mmforge command: the command words, what it reads, what
/// it leaves in its folder, and, when its product is one file (the correspondence model), that file's name.
/// </summary>
internal sealed record StageShape(string[] Words, StageInputs Inputs, StageOutputKind Output, string? ProductFile = null)
{
    public static StageShape Of(string kind) => kind switch
    {
        "ingest" => new(["ingest"], StageInputs.Sources, StageOutputKind.Dataset),
        "map" => new(["map", "fit"], StageInputs.One, StageOutputKind.Files, "model.json"),
        "select" => new(["select"], StageInputs.Many, StageOutputKind.Mixes),
        "export" => new(["export"], StageInputs.One, StageOutputKind.Files),
        _ => new([kind], StageInputs.One, StageOutputKind.Dataset),
    };

    public string Command => string.Join(' ', Words);

    /// <summary>Whether this stage can read what a stage of <paramref name="kind"/> leaves: exports take selections too, every other stage datasets.</summary>
    public bool CanRead(StageOutputKind kind) => kind == StageOutputKind.Dataset || (kind == StageOutputKind.Mixes && Words[0] == "export");
}
