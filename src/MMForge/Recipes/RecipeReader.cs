using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MMForge.Recipes;

/// <summary>
/// Reads a recipe YAML file into a <see cref="Recipe"/>, refusing unknown keys and wrong shapes
/// with the line they are on. Stage parameters are only checked for shape here; which options
/// a stage's command takes is checked by the command line that runs them.
/// </summary>
public static partial class RecipeReader
{
    /// <summary>The stage kinds a recipe can name, in the order a full pipeline runs them.</summary>
    public static IReadOnlyList<string> StageKinds { get; } = ["ingest", "validate", "hash", "dedup", "tag", "map", "synthesize", "score", "select", "export"];

    private static readonly string[] TopKeys = ["name", "output", "workers", "endpoint", "sources", "stages"];
    private static readonly string[] SourceKeys = ["path", "format", "source", "image_root", "base_dir"];
    private static readonly string[] EndpointKeys = ["url", "model", "api_key_env"];

    /// <summary>Keys of a stage entry that belong to the runner, not to the stage's command.</summary>
    private static readonly string[] StageKeys = ["stage", "name", "input", "inputs", "with_endpoint"];

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex StageNamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex ParamKeyPattern();

    public static Recipe Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"recipe {path} not found", path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new RecipeException(path, (int)e.Start.Line, "not valid YAML: " + (e.InnerException?.Message ?? e.Message));
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new RecipeException(path, 1, "a recipe is one YAML mapping with the keys " + string.Join(", ", TopKeys));
        return new Reader(path).Recipe(root);
    }

    private sealed class Reader(string file)
    {
        public Recipe Recipe(YamlMappingNode root)
        {
            var map = Keys(root, TopKeys, "the recipe");
            var stages = Stages(Required(map, "stages", root));
            return new Recipe
            {
                File = file,
                Name = OptionalScalar(map, "name"),
                Output = OptionalScalar(map, "output"),
                Workers = map.TryGetValue("workers", out var workers) ? PositiveInt(workers, "workers") : null,
                Endpoint = map.TryGetValue("endpoint", out var endpoint) ? Endpoint(endpoint) : null,
                Sources = map.TryGetValue("sources", out var sources) ? Sequence(sources, "sources").Select(Source).ToList() : [],
                Stages = stages,
            };
        }

        private RecipeEndpoint Endpoint(YamlNode node)
        {
            var map = Keys(Mapping(node, "endpoint"), EndpointKeys, "endpoint");
            var url = Required(map, "url", node);
            IReadOnlyList<string> urls = url is YamlSequenceNode ? Sequence(url, "url").Select(u => Scalar(u, "url")).ToList() : [Scalar(url, "url")];
            return new RecipeEndpoint(urls, Scalar(Required(map, "model", node), "model"), OptionalScalar(map, "api_key_env"), Line(node));
        }

        private RecipeSource Source(YamlNode node)
        {
            var map = Keys(Mapping(node, "a source"), SourceKeys, "a source");
            var path = Required(map, "path", node);
            IReadOnlyList<string> paths = path is YamlSequenceNode ? Sequence(path, "path").Select(p => Scalar(p, "path")).ToList() : [Scalar(path, "path")];
            return new RecipeSource(paths, Line(node))
            {
                Format = OptionalScalar(map, "format"),
                SourceName = OptionalScalar(map, "source"),
                ImageRoot = OptionalScalar(map, "image_root"),
                BaseDir = OptionalScalar(map, "base_dir"),
            };
        }

        private List<RecipeStage> Stages(YamlNode node)
        {
            var stages = new List<RecipeStage>();
            foreach (var entry in Sequence(node, "stages"))
            {
                var map = Mapping(entry, "a stage");
                var kindNode = map.Children.FirstOrDefault(c => Key(c.Key) == "stage").Value
                    ?? throw new RecipeException(file, Line(entry), $"a stage needs 'stage: KIND' (one of {string.Join(", ", StageKinds)})");
                var kind = Scalar(kindNode, "stage");
                if (!StageKinds.Contains(kind)) throw new RecipeException(file, Line(kindNode), $"unknown stage '{kind}'; stages are {string.Join(", ", StageKinds)}");
                var nameNode = map.Children.FirstOrDefault(c => Key(c.Key) == "name").Value;
                var name = nameNode is null ? kind : Scalar(nameNode, "name");
                if (!StageNamePattern().IsMatch(name)) throw new RecipeException(file, Line(nameNode ?? entry), $"stage name '{name}' must be lower-case letters, digits, '.', '_' or '-'");
                if (stages.Any(s => s.Name == name))
                    throw new RecipeException(file, Line(nameNode ?? entry), $"a second stage named '{name}'; give it 'name: SOMETHING-ELSE'");
                stages.Add(new RecipeStage(kind, name, Line(entry))
                {
                    Inputs = Inputs(map, stages),
                    Params = Params(map, StageKeys),
                    WithEndpoint = map.Children.FirstOrDefault(c => Key(c.Key) == "with_endpoint").Value is { } overrides
                        ? Params(Mapping(overrides, "with_endpoint"), []) : [],
                });
            }
            if (stages.Count == 0) throw new RecipeException(file, Line(node), "the recipe has no stages");
            return stages;
        }

        private List<string>? Inputs(YamlMappingNode stage, List<RecipeStage> earlier)
        {
            var node = stage.Children.FirstOrDefault(c => Key(c.Key) is "input" or "inputs").Value;
            if (node is null) return null;
            var names = node is YamlSequenceNode ? Sequence(node, "inputs").Select(n => Scalar(n, "inputs")).ToList() : [Scalar(node, "input")];
            foreach (var name in names)
                if (earlier.All(s => s.Name != name))
                    throw new RecipeException(file, Line(node), $"input '{name}' is not an earlier stage; earlier stages: {string.Join(", ", earlier.Select(s => s.Name))}");
            return names;
        }

        private List<RecipeParam> Params(YamlMappingNode map, string[] reserved)
        {
            var result = new List<RecipeParam>();
            foreach (var (keyNode, value) in map.Children)
            {
                var key = Key(keyNode);
                if (reserved.Contains(key)) continue;
                if (!ParamKeyPattern().IsMatch(key)) throw new RecipeException(file, Line(keyNode), $"'{key}' is not a parameter name (lower-case words joined by '_' or '-')");
                if (key is "output" or "o") throw new RecipeException(file, Line(keyNode), "a stage's output is chosen by the run (stages/NAME under the run directory); remove 'output'");
                result.Add(new RecipeParam(key, Value(value), Line(keyNode)));
            }
            return result;
        }

        private static RecipeValue Value(YamlNode node) => node switch
        {
            YamlScalarNode scalar => new ScalarValue(scalar.Value ?? ""),
            YamlSequenceNode list when list.Children.All(c => c is YamlScalarNode) => new ListValue(list.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList()),
            _ => new StructuredValue(ToYaml(node)),
        };

        private static string ToYaml(YamlNode node)
        {
            var writer = new StringWriter { NewLine = "\n" };
            new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
            return writer.ToString();
        }

        private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string[] allowed, string what)
        {
            var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = Key(keyNode);
                if (!allowed.Contains(key))
                    throw new RecipeException(file, Line(keyNode), $"unknown key '{key}' in {what}; allowed: {string.Join(", ", allowed)}");
                result[key] = value;
            }
            return result;
        }

        private string Key(YamlNode node) => node is YamlScalarNode { Value: { } key } ? key : throw new RecipeException(file, Line(node), "keys must be plain names");

        private YamlNode Required(Dictionary<string, YamlNode> map, string key, YamlNode owner) =>
            map.TryGetValue(key, out var node) ? node : throw new RecipeException(file, Line(owner), $"'{key}' is missing");

        private string? OptionalScalar(Dictionary<string, YamlNode> map, string key) => map.TryGetValue(key, out var node) ? Scalar(node, key) : null;

        private string Scalar(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw new RecipeException(file, Line(node), $"'{what}' must be a non-empty text value");

        private int PositiveInt(YamlNode node, string what) =>
            int.TryParse(Scalar(node, what), out var n) && n > 0 ? n : throw new RecipeException(file, Line(node), $"'{what}' must be a positive whole number");

        private YamlMappingNode Mapping(YamlNode node, string what) =>
            node as YamlMappingNode ?? throw new RecipeException(file, Line(node), $"{what} must be a mapping (key: value lines)");

        private IEnumerable<YamlNode> Sequence(YamlNode node, string what) =>
            node is YamlSequenceNode list ? list.Children : throw new RecipeException(file, Line(node), $"'{what}' must be a list ('- ' items)");

        private static int Line(YamlNode node) => (int)node.Start.Line;
    }
}
