using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// The 3-level instruction taxonomy (METHOD.md section 5): L1 = the six MMBench abilities,
/// L2 = capabilities, L3 = instruction types. Read from a JSON object
/// <c>{"L1": {"L2": ["L3", ...]}}</c>; the project's copy of
/// <c>spec/instruction_taxonomy.json</c> is embedded and is the <see cref="Default"/>. Leaves that
/// repeat under different parents (e.g. "Count objects") or are catch-alls ("Other ...") are all
/// kept: their ids differ by their parents. Immutable and safe to share between threads.
/// </summary>
public sealed class InstructionTaxonomy
{
    public const int LeafLevel = 3;

    private const string EmbeddedName = "MMForge.Tagging.Taxonomy.instruction_taxonomy.json";

    private static readonly Lazy<InstructionTaxonomy> DefaultTaxonomy = new(() =>
    {
        using var stream = EmbeddedResource.Open(EmbeddedName);
        return Read(stream, "embedded instruction_taxonomy.json");
    });

    private readonly Dictionary<string, TaxonomyNode> nodes;
    private readonly TaxonomyPathResolver resolver;

    private InstructionTaxonomy(List<TaxonomyNode> roots)
    {
        Roots = roots;
        var all = roots.SelectMany(Descendants).ToList();
        nodes = all.ToDictionary(n => n.Id, StringComparer.Ordinal);
        Leaves = all.Where(n => n.IsLeaf).ToList();
        resolver = new TaxonomyPathResolver(roots, all);
    }

    /// <summary>The embedded taxonomy (a copy of <c>spec/instruction_taxonomy.json</c>).</summary>
    public static InstructionTaxonomy Default => DefaultTaxonomy.Value;

    /// <summary>The L1 nodes in file order.</summary>
    public IReadOnlyList<TaxonomyNode> Roots { get; }

    /// <summary>Every node by its id (slug path).</summary>
    public IReadOnlyDictionary<string, TaxonomyNode> Nodes => nodes;

    /// <summary>The L3 nodes in file order.</summary>
    public IReadOnlyList<TaxonomyNode> Leaves { get; }

    public static InstructionTaxonomy Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a taxonomy; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">the JSON is malformed or not shaped as a 3-level taxonomy.</exception>
    public static InstructionTaxonomy Read(Stream utf8Json, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(utf8Json); }
        catch (JsonException e) { throw new FormatException($"instruction taxonomy {source}: not valid JSON ({e.Message})", e); }
        using (document) return new InstructionTaxonomy(ReadRoots(document.RootElement, source));
    }

    /// <summary>The node with this exact id.</summary>
    /// <exception cref="KeyNotFoundException">no node has this id.</exception>
    public TaxonomyNode Get(string id) =>
        nodes.TryGetValue(id, out var node) ? node : throw new KeyNotFoundException($"'{id}' is not a node id of the instruction taxonomy");

    /// <summary>
    /// Finds a node by id path (<c>coarse-perception/image-scene</c>), by display path
    /// (<c>Coarse Perception &gt; Image Scene</c>), by names joined with "/", or by a name that only
    /// one node has; case, spacing and punctuation do not matter.
    /// </summary>
    public bool TryGet(string idOrName, [NotNullWhen(true)] out TaxonomyNode? node)
    {
        node = nodes.TryGetValue(idOrName, out var exact) ? exact : resolver.Resolve(idOrName).Node;
        return node is not null;
    }

    /// <summary>
    /// Checks a path written by a model (or a person) in any form <see cref="TryGet"/> accepts,
    /// with quotes, backticks and a trailing period ignored. The error says what did not match
    /// and what would have, so it can be shown to the model for a retry.
    /// </summary>
    public TaxonomyPathCheck Validate(string reply, bool requireLeaf = false)
    {
        var check = resolver.Resolve(reply);
        if (check.Node is { IsLeaf: false } node && requireLeaf)
            return new TaxonomyPathCheck(null,
                $"'{node.DisplayPath}' is a level-{node.Level} node; a level-{LeafLevel} instruction type is required, one of: " +
                string.Join("; ", node.Children.Select(c => c.IsLeaf ? c.Name : c.Name + " > ...")));
        return check;
    }

    private static IEnumerable<TaxonomyNode> Descendants(TaxonomyNode node) =>
        node.Children.SelectMany(Descendants).Prepend(node);

    private static List<TaxonomyNode> ReadRoots(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"instruction taxonomy {source}: the top level must be an object of L1 abilities, not {root.ValueKind}");
        var roots = new List<TaxonomyNode>();
        foreach (var ability in root.EnumerateObject())
        {
            var l1 = NewNode(ability.Name, null, roots, source);
            roots.Add(l1);
            if (ability.Value.ValueKind != JsonValueKind.Object || !ability.Value.EnumerateObject().Any())
                throw new FormatException($"instruction taxonomy {source}: '{l1.DisplayPath}' must be a non-empty object of L2 capabilities");
            foreach (var capability in ability.Value.EnumerateObject())
            {
                var l2 = NewNode(capability.Name, l1, l1.Children, source);
                l1.Add(l2);
                if (capability.Value.ValueKind != JsonValueKind.Array || capability.Value.GetArrayLength() == 0)
                    throw new FormatException($"instruction taxonomy {source}: '{l2.DisplayPath}' must be a non-empty array of L3 instruction type names");
                foreach (var type in capability.Value.EnumerateArray())
                {
                    if (type.ValueKind != JsonValueKind.String)
                        throw new FormatException($"instruction taxonomy {source}: '{l2.DisplayPath}' holds a {type.ValueKind}, not an instruction type name");
                    l2.Add(NewNode(type.GetString()!, l2, l2.Children, source));
                }
            }
        }
        if (roots.Count == 0) throw new FormatException($"instruction taxonomy {source}: no L1 abilities");
        return roots;
    }

    /// <summary>A node for <paramref name="name"/>, refused if its id is empty or a sibling's.</summary>
    private static TaxonomyNode NewNode(string name, TaxonomyNode? parent, IReadOnlyList<TaxonomyNode> siblings, string source)
    {
        var node = new TaxonomyNode(name.Trim(), parent);
        var where = parent is null ? "at the top level" : $"under '{parent.DisplayPath}'";
        if (node.Slug.Length == 0)
            throw new FormatException($"instruction taxonomy {source}: the name '{name}' {where} has no ASCII letter or digit to make an id from");
        if (siblings.FirstOrDefault(s => s.Slug == node.Slug) is { } twin)
            throw new FormatException($"instruction taxonomy {source}: '{name}' and '{twin.Name}' {where} have the same id '{node.Id}'");
        return node;
    }
}

/// <summary>The outcome of <see cref="InstructionTaxonomy.Validate"/>: the node, or why there is none.</summary>
public sealed record TaxonomyPathCheck(TaxonomyNode? Node, string? Error)
{
    [MemberNotNullWhen(true, nameof(Node))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Node is not null;
}
