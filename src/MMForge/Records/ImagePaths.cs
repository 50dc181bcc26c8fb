using System.Runtime.InteropServices;

namespace MMForge.Records;

/// <summary>A prefix rewrite for image paths written on another machine (e.g. "../../tests/ops/data/" -> "images/").</summary>
public sealed record PathMapping(string From, string To)
{
    /// <summary>Parses "FROM=TO" as given on the command line.</summary>
    public static PathMapping Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw new FormatException($"path mapping '{text}' must look like FROM=TO");
        return new PathMapping(text[..eq], text[(eq + 1)..]);
    }

    public string? Apply(string path) => path.StartsWith(From, StringComparison.Ordinal) ? To + path[From.Length..] : null;
}

/// <summary>
/// Resolves image paths from untrusted records under a declared image root. A path may not
/// leave the root: not by "..", not as an absolute path elsewhere, not through a symlink.
/// Remote URLs are left as they are (nothing on disk to check).
/// </summary>
public sealed partial class ImagePathResolver
{
    private readonly string? _rootDir;
    private readonly string? _realRoot;
    private readonly IReadOnlyList<PathMapping> _mappings;

    public ImagePathResolver(string rootName, string? rootDir, IReadOnlyList<PathMapping>? mappings = null)
    {
        RootName = rootName;
        _rootDir = rootDir is null ? null : Path.GetFullPath(rootDir);
        _realRoot = _rootDir is not null && Directory.Exists(_rootDir) ? RealPath(_rootDir) ?? _rootDir : _rootDir;
        _mappings = mappings ?? [];
    }

    public string RootName { get; }

    public static bool IsUrl(string path) =>
        path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("gs://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Rewrites <paramref name="image"/>'s path to its normalised form relative to the root and
    /// names the root; returns the reason when the path is refused.
    /// </summary>
    public string? Resolve(ImageRef image)
    {
        if (image.Path is null) return null;
        var path = image.Path;
        foreach (var mapping in _mappings)
            if (mapping.Apply(path) is { } mapped) { path = mapped; break; }
        if (path.Length == 0) return "empty image path";
        if (path.Contains('\0')) return "image path contains a NUL byte";
        if (IsUrl(path)) { image.Path = path; return null; }

        if (Path.IsPathRooted(path))
        {
            var full = Path.GetFullPath(path);
            if (_rootDir is null || !IsUnder(full, _rootDir))
                return $"absolute image path '{image.Path}' is outside the image root{(_rootDir is null ? "" : " " + _rootDir)}";
            path = Path.GetRelativePath(_rootDir, full);
        }
        var normalized = Normalize(path);
        if (normalized is null) return $"image path '{image.Path}' leaves the image root through '..'";
        if (_rootDir is not null && _realRoot is not null && LeavesRootThroughLink(Path.Combine(_rootDir, normalized)))
            return $"image path '{image.Path}' leads outside the image root through a symbolic link";
        image.Path = normalized;
        image.Root = RootName;
        return null;
    }

    /// <summary>
    /// True when the file's real location is outside the real root. The real path of each
    /// directory is computed once (datasets keep many images per folder); the file itself costs
    /// one readlink, and a full resolution only when it is a link.
    /// </summary>
    private bool LeavesRootThroughLink(string full)
    {
        var realDir = _realDirs.GetOrAdd(Path.GetDirectoryName(full)!, dir => RealPath(dir));
        if (realDir is null) return false; // the folder does not exist: nothing to follow (image-missing reports it)
        if (realDir != _realRoot && !IsUnder(realDir, _realRoot!)) return true;
        if (new FileInfo(full).LinkTarget is null) return false;
        return RealPath(full) is { } real && !IsUnder(real, _realRoot!);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _realDirs = new(StringComparer.Ordinal);

    /// <summary>The file an image refers to, or null for embedded and remote images.</summary>
    public string? FullPath(ImageRef image) =>
        image.Path is null || _rootDir is null || IsUrl(image.Path) ? null : Path.Combine(_rootDir, image.Path);

    /// <summary>Collapses "." and ".." segments; null when ".." would climb above the start.</summary>
    internal static string? Normalize(string relative)
    {
        var parts = new List<string>();
        foreach (var part in relative.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    private static bool IsUnder(string path, string root)
    {
        var r = Path.TrimEndingDirectorySeparator(root);
        return path.Length > r.Length && path.StartsWith(r, StringComparison.Ordinal) && path[r.Length] == '/';
    }

    /// <summary>The canonical path with every symlink resolved (libc realpath), or null when it cannot be resolved.</summary>
    private static string? RealPath(string path)
    {
        var resolved = realpath(path, 0);
        if (resolved == 0) return null;
        try { return Marshal.PtrToStringUTF8(resolved); }
        finally { free(resolved); }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath(string path, nint resolved);

    [LibraryImport("libc")]
    private static partial void free(nint pointer);
}
