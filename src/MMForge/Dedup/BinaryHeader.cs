using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// The header every binary file of a sharded dedup starts with: a magic string naming the file's
/// kind and version, then the dedup parameters it was made with (as <see cref="BinaryWriter"/>
/// writes strings), so a relaunch knows whether a file it finds can be used.
/// </summary>
internal static class BinaryHeader
{
    /// <summary>The parameters the file at <paramref name="path"/> was made with, or null when there is no such file or it is of another kind.</summary>
    public static string? ParametersOf(string path, string magic)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return reader.ReadString() == magic ? reader.ReadString() : null;
    }
}
