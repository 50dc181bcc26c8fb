namespace MMForge.Tagging.Correspondence;

/// <summary>Instruction taxonomy paths ("l1/l2/l3") cut to a level, and image tag names in one spelling.</summary>
internal static class TypePath
{
    /// <summary>
    /// The path's first <paramref name="level"/> segments, or null when it has fewer or an empty
    /// segment ("a//b", trailing "/"): such a tag cannot name a type at that level.
    /// </summary>
    public static string? Truncate(string path, int level)
    {
        var end = -1;
        for (var i = 0; i < level; i++)
        {
            var start = end + 1;
            if (start >= path.Length) return null;
            var slash = path.IndexOf('/', start);
            var segmentEnd = slash < 0 ? path.Length : slash;
            if (segmentEnd == start || string.IsNullOrWhiteSpace(path[start..segmentEnd])) return null;
            end = segmentEnd;
            if (slash < 0 && i < level - 1) return null;
        }
        return path[..end];
    }

    /// <summary>
    /// The spelling tags are compared in: trimmed and lower case, so "Menu" from one tagger
    /// and "menu" from RAM++ count as one tag. Null for an empty tag.
    /// </summary>
    public static string? Tag(string tag)
    {
        var trimmed = tag.Trim();
        return trimmed.Length == 0 ? null : trimmed.ToLowerInvariant();
    }
}
