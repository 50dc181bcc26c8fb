using MMForge.Selection.Streamed;

namespace MMForge.Tests.Selection;

/// <summary>
/// The boundary search against its definition, taken on the elements sorted: per group, the
/// elements before the first at which the running weight exceeds the target. With few groups it
/// counts 16-bit digits, with many 8-bit ones; keys that share their high half (equal draws)
/// must be told apart by the low half, and zero weights never cross.
/// </summary>
public sealed class BoundariesTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 16)]
    [InlineData(4, 17)]
    [InlineData(5, 40)]
    public void Elements_before_the_boundary_are_those_a_sorted_walk_takes(int seed, int groups)
    {
        var random = new Random(seed);
        var elements = Enumerable.Range(0, random.Next(0, 3000)).Select(i => (
            Group: random.Next(groups),
            Key: Boundaries.Key(random.Next(3) == 0 ? (ulong)random.Next(4) : (ulong)random.NextInt64(), (ulong)i),
            Weight: random.Next(4) == 0 ? 0L : random.Next(1, 50))).ToList();
        var targets = Enumerable.Range(0, groups).Select(_ => random.Next(4) == 0 ? (long?)null : random.Next(0, 2000)).ToList();

        var boundaries = new Boundaries(targets);
        var passes = 0;
        while (boundaries.Searching)
        {
            foreach (var e in elements.OrderBy(_ => random.Next())) boundaries.Observe(e.Group, e.Key, e.Weight); // any order
            boundaries.EndPass();
            passes++;
        }

        for (var g = 0; g < groups; g++)
        {
            long spent = 0;
            var crossed = false;
            foreach (var e in elements.Where(e => e.Group == g).OrderBy(e => e.Key))
            {
                crossed |= targets[g] is { } target && spent + e.Weight > target;
                if (!crossed) spent += e.Weight;
                Assert.Equal(!crossed, boundaries.Before(g, e.Key));
            }
            if (targets[g] is { } t) Assert.Equal(t - spent, boundaries.Unspent(g));
        }
        Assert.InRange(passes, 0, groups <= 16 ? 8 : 16); // one digit a pass at most
    }
}
