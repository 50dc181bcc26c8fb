using YamlDotNet.RepresentationModel;

namespace MMForge.Bench;

/// <summary>
/// A recipe with the stages of an existing one (the example) over other sources: whatever stages
/// the example gains are benchmarked too. The copy lives elsewhere, so stage values naming a file
/// or folder beside the original recipe become absolute paths. The model endpoint is dropped
/// (the benchmark has no server), and so is a fixed output folder.
/// </summary>
public static class ScaledRecipe
{
    /// <summary>Input records of the example recipe: the counts its selection caps are sized for.</summary>
    public const int ExampleSamples = 21;

    /// <summary>Stage parameters that are counts of samples or tokens, scaled with the data so the selection keeps its proportions.</summary>
    private static readonly string[] ScaledCounts = ["cap_per_group", "max_records", "max_visual_tokens"];

    public static void Write(string template, string recipe, string imageRoot, IEnumerable<(string Path, string? Format, string Name)> sources, int? workers, int samples)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(template)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        root.Children.Remove(new YamlScalarNode("endpoint"));
        root.Children.Remove(new YamlScalarNode("output"));
        if (workers is { } n) root.Children[new YamlScalarNode("workers")] = new YamlScalarNode(n.ToString());
        if (root.Children.TryGetValue(new YamlScalarNode("stages"), out var stages))
        {
            Anchor(stages, Path.GetDirectoryName(Path.GetFullPath(template))!);
            Scale(stages, (double)samples / ExampleSamples);
        }
        root.Children[new YamlScalarNode("sources")] = new YamlSequenceNode(sources.Select(source =>
        {
            var entry = new YamlMappingNode { { "path", source.Path }, { "source", source.Name }, { "image_root", imageRoot } };
            if (source.Format is { } format) entry.Add("format", format);
            return (YamlNode)entry;
        }));
        using var writer = new StreamWriter(recipe);
        writer.WriteLine($"# the stages of {template}, over generated sources (written by MMForge.Bench pipeline)");
        yaml.Save(writer, assignAnchors: false);
    }

    /// <summary>Multiplies the count parameters (<see cref="ScaledCounts"/>) anywhere under <paramref name="node"/> by <paramref name="factor"/>.</summary>
    private static void Scale(YamlNode node, double factor)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                foreach (var item in sequence) Scale(item, factor);
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping)
                    if (key is YamlScalarNode { Value: { } name } && ScaledCounts.Contains(name) && value is YamlScalarNode { Value: { } text } count && long.TryParse(text.Replace("_", ""), out var n))
                        count.Value = ((long)Math.Round(n * factor)).ToString();
                    else Scale(value, factor);
                break;
        }
    }

    /// <summary>Makes every scalar under <paramref name="node"/> that names an existing path relative to <paramref name="dir"/> absolute.</summary>
    private static void Anchor(YamlNode node, string dir)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { Length: > 0 } value } scalar when !Path.IsPathRooted(value) && !value.StartsWith('$')
                                                                           && Path.Combine(dir, value) is var path && (File.Exists(path) || Directory.Exists(path)):
                scalar.Value = Path.GetFullPath(path);
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence) Anchor(item, dir);
                break;
            case YamlMappingNode mapping:
                foreach (var (_, value) in mapping) Anchor(value, dir);
                break;
        }
    }
}
