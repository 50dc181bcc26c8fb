using System.Text;
using System.Text.Json;

namespace MMForge.Tagging.Taxonomy;

/// <summary>One labelled instruction: its text, the id of its L3 instruction type, its language ("en" or "zh").</summary>
public sealed record SeedInstruction(string Text, string Path, string Lang);

/// <summary>
/// The labelled instructions the embedded classifier learns from: JSON Lines of
/// <c>{"text": ..., "path": ..., "lang": "en"|"zh"}</c>. The project's hand-written set,
/// <c>seed_instructions.jsonl</c>, is embedded and is the <see cref="Default"/>.
/// </summary>
public static class SeedInstructions
{
    private const string EmbeddedName = "MMForge.Tagging.Taxonomy.seed_instructions.jsonl";

    private static readonly Lazy<IReadOnlyList<SeedInstruction>> DefaultSeeds = new(() =>
    {
        using var stream = EmbeddedResource.Open(EmbeddedName);
        return Read(stream, "embedded seed_instructions.jsonl", InstructionTaxonomy.Default);
    });

    /// <summary>The embedded seed set, checked against <see cref="InstructionTaxonomy.Default"/>.</summary>
    public static IReadOnlyList<SeedInstruction> Default => DefaultSeeds.Value;

    public static IReadOnlyList<SeedInstruction> Load(string path, InstructionTaxonomy taxonomy)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, taxonomy);
    }

    /// <summary>
    /// Reads seeds and checks each one: its path (any form <see cref="InstructionTaxonomy.TryGet"/>
    /// accepts) must name a leaf, and is stored as that leaf's id. Blank lines are skipped.
    /// </summary>
    /// <exception cref="FormatException">a line is not a valid seed; the message names the source, the line and the reason.</exception>
    public static IReadOnlyList<SeedInstruction> Read(Stream utf8Jsonl, string source, InstructionTaxonomy taxonomy)
    {
        var seeds = new List<SeedInstruction>();
        using var reader = new StreamReader(utf8Jsonl, Encoding.UTF8);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try { seeds.Add(Parse(line, taxonomy)); }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new FormatException($"seed instructions {source} line {lineNumber}: {e.Message}", e);
            }
        }
        return seeds;
    }

    private static SeedInstruction Parse(string line, InstructionTaxonomy taxonomy)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object, found {root.ValueKind}");
        var text = RequiredString(root, "text");
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("\"text\" is empty");
        var check = taxonomy.Validate(RequiredString(root, "path"), requireLeaf: true);
        if (!check.IsValid) throw new FormatException(check.Error);
        var lang = RequiredString(root, "lang");
        if (lang is not ("en" or "zh")) throw new FormatException($"\"lang\" is '{lang}'; expected \"en\" or \"zh\"");
        return new SeedInstruction(text, check.Node.Id, lang);
    }

    private static string RequiredString(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"\"{name}\" is missing or not a string");
}
