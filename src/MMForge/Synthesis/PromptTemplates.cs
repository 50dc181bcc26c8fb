using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MMForge.Synthesis;

/// <summary>A template a generator uses, and the placeholders it must fill.</summary>
public sealed record PromptSpec(string Name, params string[] Placeholders);

/// <summary>
/// The prompt templates of one generator (<c>set</c>): text files shipped inside the assembly
/// (<c>Synthesis/Prompts/SET-NAME.txt</c>, documented in docs/prompts.md), each replaceable by a
/// file of the same name in an override directory. Placeholders are <c>{name}</c> in lowercase;
/// other braces (JSON examples) are left alone. A template that uses an unknown placeholder or
/// leaves out one the generator fills is refused when loaded, not when the first image is sent.
/// <see cref="Version"/> names the exact texts in use, and every output sample records it.
/// </summary>
public sealed partial class PromptTemplates
{
    private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal);

    /// <param name="overrideDirectory">Directory whose <c>SET-NAME.txt</c> files replace the shipped ones; null for the shipped set.</param>
    public PromptTemplates(string set, IReadOnlyList<PromptSpec> specs, string? overrideDirectory = null)
    {
        if (overrideDirectory is not null && !Directory.Exists(overrideDirectory))
            throw new ArgumentException($"prompt directory {overrideDirectory} does not exist");
        var known = specs.Select(s => FileName(set, s.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in overrideDirectory is null ? [] : Directory.EnumerateFiles(overrideDirectory, set + "-*.txt"))
            if (!known.Contains(Path.GetFileName(file)))
                throw new ArgumentException($"prompt file {file} replaces no {set} template; the {set} templates are {string.Join(", ", known.Order(StringComparer.Ordinal))}");

        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var spec in specs)
        {
            var name = FileName(set, spec.Name);
            var replacement = overrideDirectory is null ? null : Path.Combine(overrideDirectory, name);
            var text = replacement is not null && File.Exists(replacement) ? File.ReadAllText(replacement) : Shipped(name);
            Check(replacement is not null && File.Exists(replacement) ? replacement : name, text, spec);
            texts[spec.Name] = text;
            digest.AppendData(Encoding.UTF8.GetBytes(spec.Name + "\0" + text + "\0"));
        }
        Version = $"{set}@{Convert.ToHexStringLower(digest.GetHashAndReset())[..12]}";
    }

    /// <summary>The set and a digest of every template's text: the same version means the same prompts.</summary>
    public string Version { get; }

    /// <summary>The template with each placeholder replaced by its value.</summary>
    public string Render(string name, params (string Placeholder, string Value)[] values)
    {
        var text = texts.TryGetValue(name, out var template) ? template : throw new ArgumentException($"no prompt template '{name}'");
        // One pass over the template: a value that happens to contain "{question}" stays as it is.
        var lookup = values.ToDictionary(v => v.Placeholder, v => v.Value, StringComparer.Ordinal);
        return Placeholder().Replace(text, m => lookup.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value).Trim();
    }

    public static string FileName(string set, string name) => $"{set}-{name}.txt";

    private static string Shipped(string fileName)
    {
        using var stream = Tagging.Taxonomy.EmbeddedResource.Open("MMForge.Synthesis.Prompts." + fileName);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static void Check(string origin, string text, PromptSpec spec)
    {
        var used = Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        if (used.FirstOrDefault(p => !spec.Placeholders.Contains(p)) is { } unknown)
            throw new ArgumentException($"prompt template {origin} uses {{{unknown}}}, which this template does not fill; it may use {Listed(spec)}");
        if (spec.Placeholders.FirstOrDefault(p => !used.Contains(p)) is { } missing)
            throw new ArgumentException($"prompt template {origin} leaves out {{{missing}}}; it must use {Listed(spec)}");
    }

    private static string Listed(PromptSpec spec) => spec.Placeholders.Length == 0 ? "no placeholders" : string.Join(", ", spec.Placeholders.Select(p => "{" + p + "}"));

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
