using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static MMForge.Selection.YamlInput;

namespace MMForge.Selection;

/// <summary>
/// Reads a mix file (YAML, or JSON, which is YAML): a list of mixes, or a mapping whose
/// <c>mixes:</c> key holds that list. Every error names the file, the line and the key.
/// The format is described in docs/selection.md.
/// </summary>
public static partial class MixFile
{
    private static readonly string[] MixKeys = ["name", "max_grid", "max_views", "max_visual_tokens", "sources"];
    private static readonly string[] SourceKeys = ["source", "sampling"];

    [GeneratedRegex("^[a-z0-9._-]+$")]
    private static partial Regex NamePattern();

    public static List<MixSpec> Load(string path) => Parse(File.ReadAllText(path), path);

    public static List<MixSpec> Parse(string text, string file)
    {
        var root = Root(text, file);
        if (root is YamlMappingNode top)
        {
            var unknown = top.Children.Keys.FirstOrDefault(k => Scalar(k, file, "key") != "mixes");
            if (unknown is not null) throw Error(file, unknown, $"unknown key '{Scalar(unknown, file, "key")}' at the top level (expected 'mixes')");
            root = top.Children.TryGetValue(new YamlScalarNode("mixes"), out var list) ? list : throw Error(file, top, "the top-level mapping has no 'mixes' key");
        }
        if (root is not YamlSequenceNode mixes) throw Error(file, root, "expected a list of mixes, or a mapping with a 'mixes' list");
        if (mixes.Children.Count == 0) throw Error(file, mixes, "the list of mixes is empty");
        var result = mixes.Children.Select(node => Mix(node, file)).ToList();
        foreach (var duplicate in result.GroupBy(m => m.Name).Where(g => g.Count() > 1))
            throw new FormatException($"{file}: mix name '{duplicate.Key}' is used twice (each mix is a folder)");
        return result;
    }

    private static MixSpec Mix(YamlNode node, string file)
    {
        var fields = Fields(node, file, "mix", MixKeys);
        if (!fields.TryGetValue("name", out var nameNode)) throw Error(file, node, "a mix has no 'name'");
        var name = Scalar(nameNode, file, "name");
        if (!NamePattern().IsMatch(name) || name is "." or "..") throw Error(file, nameNode, $"name: '{name}' is not a folder name of a-z, 0-9, '.', '_' and '-'");
        int? grid = fields.TryGetValue("max_grid", out var gridNode) ? (int)Integer(gridNode, file, "max_grid") : null;
        int? views = fields.TryGetValue("max_views", out var viewsNode) ? (int)Integer(viewsNode, file, "max_views") : null;
        if (views is not null && grid is null) throw Error(file, viewsNode!, "max_views: set max_grid as well (the views are counted under a grid limit)");
        ImageTokenLimit limit;
        try { limit = grid is { } g ? new ImageTokenLimit(g, views) : ImageTokenLimit.Unlimited; }
        catch (ArgumentException e) { throw Error(file, viewsNode ?? gridNode!, e.Message); }
        long? budget = fields.TryGetValue("max_visual_tokens", out var budgetNode) ? Integer(budgetNode, file, "max_visual_tokens") : null;
        if (!fields.TryGetValue("sources", out var sourcesNode)) throw Error(file, node, $"mix '{name}' has no 'sources'");
        if (sourcesNode is not YamlSequenceNode { Children.Count: > 0 } list) throw Error(file, sourcesNode, "sources: expected a non-empty list of {source, sampling}");
        var sources = list.Children.Select(s => Source(s, file)).ToList();
        foreach (var duplicate in sources.GroupBy(s => s.Source).Where(g => g.Count() > 1))
            throw Error(file, sourcesNode, $"sources: '{duplicate.Key}' is listed twice in mix '{name}'");
        return new MixSpec(name, limit, grid is not null, budget, sources);
    }

    private static SourceSampling Source(YamlNode node, string file)
    {
        var fields = Fields(node, file, "source entry", SourceKeys);
        if (!fields.TryGetValue("source", out var sourceNode)) throw Error(file, node, "a source entry has no 'source'");
        var sampling = Sampling.All;
        if (fields.TryGetValue("sampling", out var samplingNode))
        {
            try { sampling = Sampling.Parse(Scalar(samplingNode, file, "sampling")); }
            catch (FormatException e) { throw Error(file, samplingNode, "sampling: " + e.Message); }
        }
        return new SourceSampling(Scalar(sourceNode, file, "source"), sampling, Line(sourceNode));
    }

    private static Dictionary<string, YamlNode> Fields(YamlNode node, string file, string what, string[] keys)
    {
        if (node is not YamlMappingNode mapping) throw Error(file, node, $"a {what} must be a mapping of {string.Join(", ", keys)}");
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Scalar(keyNode, file, "key");
            if (!keys.Contains(key)) throw Error(file, keyNode, $"unknown key '{key}' in a {what} (known: {string.Join(", ", keys)})");
            fields[key] = value;
        }
        return fields;
    }
}
