namespace MMForge.Recipes;

/// <summary>
/// A parsed recipe: the sources to read, the stages to run over them in order, and where the run
/// goes. Every element keeps the line it was declared on, so later checks can name it.
/// </summary>
public sealed class Recipe
{
    /// <summary>The recipe file; relative paths inside it are relative to its folder.</summary>
    public required string File { get; init; }

    public string Directory => Path.GetDirectoryName(Path.GetFullPath(File))!;

    public string? Name { get; init; }

    /// <summary>Run directory as the recipe names it (relative to the recipe's folder), if it does.</summary>
    public string? Output { get; init; }

    /// <summary>Worker threads for every stage that takes --workers, unless the stage sets its own.</summary>
    public int? Workers { get; init; }

    public RecipeEndpoint? Endpoint { get; init; }

    public IReadOnlyList<RecipeSource> Sources { get; init; } = [];

    public IReadOnlyList<RecipeStage> Stages { get; init; } = [];

    /// <summary>The recipe with a model server, as the command line can add one to a recipe without it.</summary>
    public Recipe WithEndpoint(RecipeEndpoint endpoint) => new()
    {
        File = File, Name = Name, Output = Output, Workers = Workers, Endpoint = endpoint, Sources = Sources, Stages = Stages,
    };
}

/// <summary>The OpenAI-compatible server the recipe's model-backed stages use.</summary>
public sealed record RecipeEndpoint(IReadOnlyList<string> Urls, string Model, string? ApiKeyVariable, int Line);

/// <summary>One input of the ingest stage: files (a glob is allowed in the file name) and how to read them.</summary>
public sealed record RecipeSource(IReadOnlyList<string> Paths, int Line)
{
    public string? Format { get; init; }
    public string? SourceName { get; init; }
    public string? ImageRoot { get; init; }
    public string? BaseDir { get; init; }
}

/// <summary>
/// One stage: which command (<see cref="Kind"/>), its unique name, the stages it reads (null = the
/// one before it), its parameters (each one a command-line option), and the parameters that
/// replace them when the recipe has an endpoint.
/// </summary>
public sealed record RecipeStage(string Kind, string Name, int Line)
{
    public IReadOnlyList<string>? Inputs { get; init; }
    public IReadOnlyList<RecipeParam> Params { get; init; } = [];
    public IReadOnlyList<RecipeParam> WithEndpoint { get; init; } = [];

    /// <summary>The parameters in force: <see cref="WithEndpoint"/> replaces same-named ones when there is an endpoint.</summary>
    public IReadOnlyList<RecipeParam> ParamsFor(bool hasEndpoint)
    {
        if (!hasEndpoint || WithEndpoint.Count == 0) return Params;
        var replaced = WithEndpoint.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return [.. Params.Where(p => !replaced.Contains(p.Key)), .. WithEndpoint];
    }
}

/// <summary>A stage parameter: <c>key: value</c> in the recipe, <c>--key value</c> on the stage's command line.</summary>
public sealed record RecipeParam(string Key, RecipeValue Value, int Line)
{
    public string OptionName => "--" + Key.Replace('_', '-');
}

/// <summary>A parameter's value: one scalar, a list of scalars, or a structure passed to the command as a file.</summary>
public abstract record RecipeValue;

/// <summary>A scalar as written (numbers and booleans stay text: the command parses them).</summary>
public sealed record ScalarValue(string Text) : RecipeValue;

/// <summary>A list of scalars: the option repeated once per item.</summary>
public sealed record ListValue(IReadOnlyList<string> Items) : RecipeValue;

/// <summary>A mapping, or a list holding mappings: written as a YAML file whose path is the option's value.</summary>
public sealed record StructuredValue(string Yaml) : RecipeValue;
