using System.Text.RegularExpressions;
using MMForge.Pipeline;
using MMForge.Selection;

namespace MMForge.Exports;

/// <summary>One dataset directory to export and the name its files and meta entries get.</summary>
public sealed partial record ExportInput(string Name, string DatasetDir)
{
    /// <summary>
    /// The parts of what <paramref name="dir"/> holds: a dataset directory is one part, named
    /// <paramref name="name"/> or after the folder; a mix directory (<c>mixes.json</c>) is one
    /// part per stage mix, named by its stage, prefixed by <paramref name="name"/> when given.
    /// </summary>
    public static IReadOnlyList<ExportInput> Resolve(string dir, string? name)
    {
        if (name is not null) CheckName(name, "--name");
        List<ExportInput> parts;
        if (MixDirectory.IsMixDirectory(dir))
            parts = MixDirectory.Load(dir).Mixes
                .Select(m => new ExportInput(CheckName(name is null ? m.Name : $"{name}-{m.Name}", $"mix '{m.Name}' in {dir}/{MixDirectory.FileName}"), MixDirectory.DatasetOf(dir, m)))
                .ToList();
        else if (DatasetDirectory.IsDataset(dir))
            parts = [new ExportInput(CheckName(name ?? Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/')), "the dataset folder's name (give --name)"), dir)];
        else throw new ArgumentException($"{dir} is neither an mmforge dataset directory (manifest.json) nor a mix directory ({MixDirectory.FileName})");
        if (parts.Count == 0) throw new ArgumentException($"{dir}/{MixDirectory.FileName} lists no mixes");
        if (parts.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"{dir}: two mixes would both be exported as '{twice.Key}'");
        return parts;
    }

    /// <summary>Names the export's own files use, which a part may not take.</summary>
    private static readonly string[] Reserved = ["dataset_info", "export", ImagePlacer.Folder, ExportJob.RejectsFolder];

    /// <summary>Part names become file names and meta keys: plain characters only, so no name can reach outside the export.</summary>
    private static string CheckName(string name, string what)
    {
        if (!SafeName().IsMatch(name))
            throw new ArgumentException($"{what}: '{name}' cannot name export files; use letters, digits, '.', '_' and '-', starting with a letter or digit");
        if (Reserved.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"{what}: '{name}' is reserved for the export's own files ({string.Join(", ", Reserved)})");
        return name;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SafeName();
}
