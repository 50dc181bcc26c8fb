using System.CommandLine;
using MMForge.Formats;
using MMForge.Recipes;

namespace MMForge.Cli.Recipes;

/// <summary>
/// Turns a recipe into command lines, one per stage, checking every parameter against the options
/// of the stage's command (unknown names and values the command would refuse are errors naming
/// the recipe line) and computing each stage's fingerprint.
/// </summary>
/// <param name="sharding">How many shard processes and threads each stage gets; default: the recipe's workers, one process a stage.</param>
internal sealed class StagePlanner(Recipe recipe, string runDirectory, StageSharding? sharding = null)
{
    private readonly StageSharding _sharding = sharding ?? new StageSharding(Workers: null);

    public const string StagesFolder = "stages", ParamsFolder = "params";

    private readonly RootCommand _root = Program.CreateRoot();
    private readonly List<PlannedStage> _planned = [];

    public IReadOnlyList<PlannedStage> Plan()
    {
        if (recipe.Sources.Count > 0 && recipe.Stages.All(s => s.Kind != "ingest"))
            throw new RecipeException(recipe.File, recipe.Sources[0].Line, "the recipe lists sources but has no ingest stage to read them");
        foreach (var stage in recipe.Stages) _planned.Add(PlanStage(stage, _planned.Count + 1));
        return _planned;
    }

    private PlannedStage PlanStage(RecipeStage stage, int number)
    {
        var shape = StageShape.Of(stage.Kind);
        var command = Find(shape.Words);
        var output = Path.Combine(runDirectory, StagesFolder, stage.Name);
        var inputs = InputsOf(stage, shape);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fingerprint = new StageFingerprint().Add(shape.Command);

        var head = new List<string>(shape.Words);
        if (shape.Inputs == StageInputs.Sources)
        {
            var sourcesFile = Path.Combine(runDirectory, ParamsFolder, stage.Name + ".sources.json");
            files[sourcesFile] = SourcesJson(fingerprint);
            head.AddRange(["--sources-file", sourcesFile]);
        }
        head.AddRange(inputs.Select(i => i.Product));
        foreach (var input in inputs) fingerprint.Add("input:" + input.Fingerprint);
        head.AddRange(["-o", shape.ProductFile is { } file ? Path.Combine(output, file) : output]);

        var shards = _sharding.ShardsOf(stage.Kind, Has(command, "--shard"), EmbedsImages(stage));
        var args = new List<string>(head);
        var parameters = ParamsInForce(stage, command, shards).ToList();
        var references = new List<PlannedStage>();
        foreach (var param in parameters) args.AddRange(Arguments(stage, command, param, files, fingerprint, references));
        CheckParses(args, stage, parameters);
        // a sharded stage's records are one process's, in the same order, but its manifest lists them per shard and records
        // the count; a stage whose product is files (an export, the correspondence model) is the one-process product byte for byte
        if (shards > 1 && shape.Output != StageOutputKind.Files) fingerprint.Add("shards:" + shards);
        foreach (var arg in WithoutThreads(args.Skip(head.Count))) fingerprint.Add(arg.Replace(runDirectory, "$RUN", StringComparison.Ordinal));
        foreach (var (path, content) in files) fingerprint.Add(content);
        return new PlannedStage(stage, shape, number)
        {
            Inputs = inputs, References = references, Args = args, Output = output, ParamFiles = files, Fingerprint = fingerprint.Finish(), Shards = shards,
        };
    }

    /// <summary>The arguments without --workers: output is the same whatever the thread count (a tested contract), so changing it reruns nothing.</summary>
    private static IEnumerable<string> WithoutThreads(IEnumerable<string> args)
    {
        var skipValue = false;
        foreach (var arg in args)
        {
            if (skipValue) { skipValue = false; continue; }
            if (arg is "--workers" or "-j") { skipValue = true; continue; }
            yield return arg;
        }
    }

    private Command Find(string[] words)
    {
        Command command = _root;
        foreach (var word in words) command = command.Subcommands.Single(c => c.Name == word);
        return command;
    }

    private List<PlannedStage> InputsOf(RecipeStage stage, StageShape shape)
    {
        if (shape.Inputs == StageInputs.Sources)
        {
            if (stage.Inputs is not null) throw new RecipeException(recipe.File, stage.Line, $"stage '{stage.Name}' reads the recipe's sources; it takes no input");
            if (recipe.Sources.Count == 0) throw new RecipeException(recipe.File, stage.Line, $"stage '{stage.Name}' needs a 'sources:' list in the recipe");
            return [];
        }
        var inputs = stage.Inputs is { } names
            ? names.Select(n => _planned.Single(p => p.Name == n)).ToList()
            : _planned.LastOrDefault(p => shape.CanRead(p.Shape.Output)) is { } previous ? [previous] : [];
        if (inputs.Count == 0) throw new RecipeException(recipe.File, stage.Line, $"stage '{stage.Name}' has nothing to read: no earlier stage writes a dataset (start with an ingest stage)");
        if (shape.Inputs == StageInputs.One && inputs.Count > 1)
            throw new RecipeException(recipe.File, stage.Line, $"stage '{stage.Name}' ({shape.Command}) reads one input; only select reads several");
        foreach (var input in inputs.Where(i => !shape.CanRead(i.Shape.Output)))
            throw new RecipeException(recipe.File, stage.Line, $"stage '{stage.Name}' ({shape.Command}) cannot read what '{input.Name}' ({input.Shape.Command}) writes");
        return inputs;
    }

    /// <summary>The stage's own parameters, plus the recipe-wide workers and endpoint where the command takes them and the stage does not set them.</summary>
    private IEnumerable<RecipeParam> ParamsInForce(RecipeStage stage, Command command, int shards)
    {
        var own = stage.ParamsFor(recipe.Endpoint is not null);
        var keys = own.Select(p => p.OptionName).ToHashSet(StringComparer.Ordinal);
        IEnumerable<RecipeParam> added = [];
        var threads = _sharding.ThreadsOf(shards, recipe.Workers);
        if (threads is { } n && Has(command, "--workers") && !keys.Contains("--workers"))
            added = added.Append(new RecipeParam("workers", new ScalarValue(n.ToString()), stage.Line));
        if (recipe.Endpoint is { } endpoint && Has(command, "--endpoint") && !keys.Contains("--endpoint"))
        {
            added = added.Append(new RecipeParam("endpoint", new ListValue(endpoint.Urls), endpoint.Line));
            if (!keys.Contains("--model")) added = added.Append(new RecipeParam("model", new ScalarValue(endpoint.Model), endpoint.Line));
            if (endpoint.ApiKeyVariable is { } key && !keys.Contains("--api-key-env"))
                added = added.Append(new RecipeParam("api_key_env", new ScalarValue(key), endpoint.Line));
        }
        return own.Concat(added);
    }

    /// <summary>Whether the stage exports to a format that packs the images into its files (WebDataset).</summary>
    private static bool EmbedsImages(RecipeStage stage) =>
        stage.Kind == "export" &&
        stage.Params.FirstOrDefault(p => p.Key == "to")?.Value is ScalarValue { Text: var format }
        && Exports.TrainerFormat.All.Any(f => f.EmbedsImages && f.Name.Equals(format, StringComparison.OrdinalIgnoreCase));

    private static bool Has(Command command, string name) => command.Options.Any(o => Named(o, name));

    /// <summary>Whether <paramref name="option"/> answers to <paramref name="name"/> (its name or an alias, e.g. -j for --workers).</summary>
    private static bool Named(Option option, string name) => option.Name == name || option.Aliases.Contains(name);

    private List<string> Arguments(RecipeStage stage, Command command, RecipeParam param, SortedDictionary<string, string> files, StageFingerprint fingerprint, List<PlannedStage> references)
    {
        var option = command.Options.FirstOrDefault(o => Named(o, param.OptionName) && !o.Hidden)
            ?? throw new RecipeException(recipe.File, param.Line, $"stage '{stage.Name}' (mmforge {string.Join(' ', StageShape.Of(stage.Kind).Words)}) has no parameter '{param.Key}'; "
                + "its parameters: " + string.Join(", ", command.Options.Where(o => !o.Hidden && o.Name is not ("--output" or "--help" or "--sources-file")).Select(o => o.Name.TrimStart('-').Replace('-', '_'))));
        if (option.Name is "--output" or "--sources-file")
            throw new RecipeException(recipe.File, param.Line, $"'{param.Key}' is set by the run; remove it");
        switch (param.Value)
        {
            case ScalarValue scalar when option.ValueType == typeof(bool):
                if (scalar.Text is not ("true" or "false")) throw new RecipeException(recipe.File, param.Line, $"'{param.Key}' is true or false");
                return [option.Name, scalar.Text];
            case ScalarValue scalar:
                return [option.Name, Resolve(scalar.Text, param, fingerprint, references)];
            case ListValue list:
                return list.Items.SelectMany(item => new[] { option.Name, Resolve(item, param, fingerprint, references) }).ToList();
            case StructuredValue structured:
                var file = Path.Combine(runDirectory, ParamsFolder, $"{stage.Name}.{param.Key}.yaml");
                files[file] = structured.Yaml;
                return [option.Name, file];
            default:
                throw new InvalidOperationException("unknown recipe value " + param.Value.GetType().Name);
        }
    }

    /// <summary>A value as the command gets it: <c>$NAME</c> is the product of an earlier stage (added to <paramref name="references"/>); a path that exists counts by its content.</summary>
    private string Resolve(string value, RecipeParam param, StageFingerprint fingerprint, List<PlannedStage> references)
    {
        if (value.StartsWith('$'))
        {
            var referenced = _planned.FirstOrDefault(p => p.Name == value[1..])
                ?? throw new RecipeException(recipe.File, param.Line, $"'{value}' names no earlier stage; earlier stages: {string.Join(", ", _planned.Select(p => p.Name))}");
            fingerprint.Add("reference:" + referenced.Fingerprint);
            references.Add(referenced);
            return referenced.Product;
        }
        if (value.Length > 0 && value.IndexOf('=') < 0) fingerprint.AddPathContent(Path.Combine(recipe.Directory, value));
        return value;
    }

    /// <summary>
    /// Parses the arguments with the command itself, so a value it would refuse stops the run before
    /// anything runs; an error about an option points at the recipe line of the parameter that set it.
    /// </summary>
    private void CheckParses(IReadOnlyList<string> args, RecipeStage stage, IReadOnlyList<RecipeParam> parameters)
    {
        var error = _root.Parse([.. args]).Errors.FirstOrDefault();
        if (error is null) return;
        var param = error.SymbolResult is System.CommandLine.Parsing.OptionResult option
            ? parameters.FirstOrDefault(p => Named(option.Option, p.OptionName))
            : null;
        var what = param is null ? $"stage '{stage.Name}'" : $"stage '{stage.Name}', parameter '{param.Key}'";
        throw new RecipeException(recipe.File, param?.Line ?? stage.Line, $"{what}: {error.Message}");
    }

    private string SourcesJson(StageFingerprint fingerprint)
    {
        var entries = recipe.Sources.SelectMany(source => source.Paths
            .SelectMany(pattern => SourceGlob.Expand(pattern, recipe.Directory, recipe.File, source.Line))
            .Select(path => new SourceListEntry
            {
                Path = Path.GetFullPath(Path.Combine(recipe.Directory, path)),
                Format = source.Format,
                Source = source.SourceName,
                ImageRoot = source.ImageRoot is { } root ? Path.GetFullPath(Path.Combine(recipe.Directory, root)) : null,
                BaseDir = source.BaseDir is { } dir ? Path.GetFullPath(Path.Combine(recipe.Directory, dir)) : null,
            })).ToList();
        foreach (var entry in entries) fingerprint.AddPathContent(entry.Path);
        return SourceListFile.ToJson(entries);
    }
}
