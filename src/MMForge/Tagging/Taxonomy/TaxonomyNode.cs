namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// One node of the instruction taxonomy: an MMBench ability (level 1), a capability (level 2)
/// or an instruction type (level 3, a leaf). <see cref="Id"/> is the slug path stored in
/// <see cref="Records.InstructionTag.Path"/>; <see cref="Name"/> is the name as the taxonomy file writes it.
/// </summary>
public sealed class TaxonomyNode
{
    private readonly List<TaxonomyNode> children = [];

    internal TaxonomyNode(string name, TaxonomyNode? parent)
    {
        Name = name;
        Slug = TaxonomySlug.Of(name);
        Parent = parent;
        Level = parent is null ? 1 : parent.Level + 1;
        Id = parent is null ? Slug : parent.Id + "/" + Slug;
        DisplayPath = parent is null ? name : parent.DisplayPath + " > " + name;
    }

    /// <summary>The slug path, e.g. <c>fine-grained-perception-single-instance/ocr/recognize-printed-text</c>.</summary>
    public string Id { get; }

    /// <summary>The display name, e.g. <c>Recognize printed text</c>.</summary>
    public string Name { get; }

    /// <summary>This node's own segment of <see cref="Id"/>.</summary>
    public string Slug { get; }

    /// <summary>1 (L1), 2 (L2) or 3 (L3, a leaf).</summary>
    public int Level { get; }

    public TaxonomyNode? Parent { get; }

    public IReadOnlyList<TaxonomyNode> Children => children;

    public bool IsLeaf => children.Count == 0;

    /// <summary>The names from the root, e.g. <c>Fine-grained Perception (single-instance) &gt; OCR &gt; Recognize printed text</c>.</summary>
    public string DisplayPath { get; }

    /// <summary>This node or its ancestor at <paramref name="level"/> (1 to <see cref="Level"/>).</summary>
    public TaxonomyNode AncestorAt(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, Level);
        var node = this;
        while (node.Level > level) node = node.Parent!;
        return node;
    }

    internal void Add(TaxonomyNode child) => children.Add(child);

    public override string ToString() => Id;
}
