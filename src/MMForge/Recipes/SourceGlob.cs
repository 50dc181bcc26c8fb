namespace MMForge.Recipes;

/// <summary>
/// Expands a recipe source path whose file name has wildcards (<c>*</c>, <c>?</c>), the way a
/// shell would, in ordinal order so the run reads files in the same order everywhere. Only the
/// last segment may have wildcards: a folder pattern over a huge tree is not something to do by accident.
/// </summary>
public static class SourceGlob
{
    public static IReadOnlyList<string> Expand(string pattern, string baseDirectory, string recipeFile, int line)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, pattern));
        var name = Path.GetFileName(full);
        var folder = Path.GetDirectoryName(full)!;
        if (folder.IndexOfAny(['*', '?']) >= 0)
            throw new RecipeException(recipeFile, line, $"source path {pattern}: wildcards are allowed only in the file name");
        if (name.IndexOfAny(['*', '?']) < 0)
        {
            if (!File.Exists(full) && !Directory.Exists(full)) throw new RecipeException(recipeFile, line, $"source path {pattern} does not exist (looked for {full})");
            return [pattern];
        }
        var matches = Directory.Exists(folder)
            ? Directory.EnumerateFileSystemEntries(folder, name).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        if (matches.Count == 0) throw new RecipeException(recipeFile, line, $"source path {pattern} matches no file (in {folder})");
        var relativeFolder = Path.GetDirectoryName(pattern) ?? "";
        return matches.Select(m => Path.Combine(relativeFolder, m!)).ToList();
    }
}
