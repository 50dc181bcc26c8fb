using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup.Text;

/// <summary>Union-find over edges, as the dedup stage will use them: which samples end up connected.</summary>
internal sealed class Components
{
    private readonly int[] parent;

    public Components(int count, IEnumerable<TextEdge> edges)
    {
        parent = Enumerable.Range(0, count).ToArray();
        foreach (var edge in edges) parent[Root(edge.A)] = Root(edge.B);
    }

    public bool Connected(int a, int b) => Root(a) == Root(b);

    public bool Alone(int a) => Enumerable.Range(0, parent.Length).All(b => b == a || !Connected(a, b));

    private int Root(int x)
    {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
}
