namespace MMForge.Recipes;

/// <summary>A recipe that cannot run as written; the message starts with <c>file:line:</c> so an editor can jump there.</summary>
public sealed class RecipeException(string file, int line, string message) : FormatException($"{file}:{line}: {message}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}
