namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// Turns a path as a model or a person writes it into a node. Names are compared by their slugs,
/// so case, spacing and punctuation do not matter. Because names themselves contain "/", a path
/// of names joined with "/" is matched by trying each way of grouping its segments.
/// </summary>
internal sealed class TaxonomyPathResolver(IReadOnlyList<TaxonomyNode> roots, IReadOnlyList<TaxonomyNode> all)
{
    private static readonly char[] Decoration = [' ', '\t', '\r', '\n', '"', '\'', '`', '*', '.', '“', '”', '。'];

    public TaxonomyPathCheck Resolve(string text)
    {
        var path = text.Trim(Decoration);
        if (path.Length == 0) return new TaxonomyPathCheck(null, "the path is empty");
        if (path.Contains('>')) return ResolveDisplayPath(path);
        if (path.Contains('/'))
        {
            var segments = path.Split('/');
            return Match(roots, segments, 0) is { } node
                ? new TaxonomyPathCheck(node, null)
                : new TaxonomyPathCheck(null, $"'{path}' is no path of the instruction taxonomy; it starts with one of: {Names(roots)}");
        }
        return ResolveName(path);
    }

    /// <summary>"L1 &gt; L2 &gt; L3": each part must name a child of the node before it.</summary>
    private TaxonomyPathCheck ResolveDisplayPath(string path)
    {
        TaxonomyNode? node = null;
        var level = roots;
        foreach (var part in path.Split('>'))
        {
            var slug = TaxonomySlug.Of(part);
            var next = level.FirstOrDefault(n => n.Slug == slug);
            if (next is null)
                return new TaxonomyPathCheck(null, node is null
                    ? $"'{part.Trim()}' in '{path}' is not an L1 ability; one of: {Names(level)}"
                    : node.IsLeaf
                        ? $"'{path}' goes below the instruction type '{node.DisplayPath}'"
                        : $"'{part.Trim()}' in '{path}' is not under '{node.DisplayPath}'; one of: {Names(level)}");
            node = next;
            level = node.Children;
        }
        return new TaxonomyPathCheck(node, null);
    }

    /// <summary>The node reached by grouping <paramref name="segments"/> from <paramref name="start"/> into names below <paramref name="level"/>.</summary>
    private static TaxonomyNode? Match(IReadOnlyList<TaxonomyNode> level, string[] segments, int start)
    {
        for (var end = start + 1; end <= segments.Length; end++)
        {
            var slug = TaxonomySlug.Of(string.Join('/', segments[start..end]));
            foreach (var node in level)
            {
                if (node.Slug != slug) continue;
                if (end == segments.Length) return node;
                if (Match(node.Children, segments, end) is { } deeper) return deeper;
            }
        }
        return null;
    }

    /// <summary>A bare name: accepted when exactly one node has it.</summary>
    private TaxonomyPathCheck ResolveName(string name)
    {
        var slug = TaxonomySlug.Of(name);
        var matches = all.Where(n => n.Slug == slug).ToList();
        return matches.Count switch
        {
            1 => new TaxonomyPathCheck(matches[0], null),
            0 => new TaxonomyPathCheck(null, $"'{name}' names no node of the instruction taxonomy; write a path from an L1 ability: {Names(roots)}"),
            _ => new TaxonomyPathCheck(null, $"'{name}' is ambiguous; write the whole path, one of: {string.Join("; ", matches.Select(m => m.DisplayPath))}"),
        };
    }

    private static string Names(IEnumerable<TaxonomyNode> nodes) => string.Join("; ", nodes.Select(n => n.Name));
}
