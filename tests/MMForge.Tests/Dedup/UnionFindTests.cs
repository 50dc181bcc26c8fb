using MMForge.Dedup;

namespace MMForge.Tests.Dedup;

public class UnionFindTests
{
    [Fact]
    public void EveryElementStartsAlone()
    {
        var sets = new UnionFind(5);
        Assert.Equal(5, sets.Count);
        Assert.Equal(5, sets.SetCount);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(i, sets.Find(i)));
    }

    [Fact]
    public void UnionReportsWhetherItMerged()
    {
        var sets = new UnionFind(4);
        Assert.True(sets.Union(0, 1));
        Assert.True(sets.Union(2, 1));
        Assert.False(sets.Union(0, 2));
        Assert.False(sets.Union(3, 3));
        Assert.Equal(2, sets.SetCount);
        Assert.Equal(sets.Find(0), sets.Find(2));
        Assert.NotEqual(sets.Find(0), sets.Find(3));
    }

    [Fact]
    public void TiesKeepTheSmallerRootAndTheDeeperTreeWins()
    {
        var sets = new UnionFind(6);
        sets.Union(5, 4);
        Assert.Equal(4, sets.Find(5));
        sets.Union(3, 2);
        sets.Union(2, 1);
        sets.Union(0, 4); // rank 1 tree {4,5} absorbs the single 0
        Assert.Equal(4, sets.Find(0));
        sets.Union(0, 3); // equal ranks: the smaller root (2) stays
        Assert.All(Enumerable.Range(0, 6), i => Assert.Equal(2, sets.Find(i)));
    }

    [Fact]
    public void AddedElementsStartAloneAndJoinLikeTheOthers()
    {
        var sets = new UnionFind();
        Assert.Equal(0, sets.Add());
        Assert.Equal(1, sets.Add());
        Assert.True(sets.Union(0, 1));
        for (var i = 2; i < 50; i++) Assert.Equal(i, sets.Add());
        Assert.Equal((50, 49), (sets.Count, sets.SetCount));
        Assert.Equal(sets.Find(0), sets.Find(1));
        Assert.Equal(49, sets.Find(49));
        Assert.Throws<ArgumentOutOfRangeException>(() => sets.Find(50));
    }

    [Fact]
    public void LongChainsStayCorrectAfterPathHalving()
    {
        const int count = 100_000;
        var sets = new UnionFind(count);
        for (var i = 1; i < count; i++) sets.Union(i - 1, i);
        Assert.Equal(1, sets.SetCount);
        var root = sets.Find(count - 1);
        Assert.All(Enumerable.Range(0, count), i => Assert.Equal(root, sets.Find(i)));
    }

    [Fact]
    public void AgreesWithANaiveLabelling()
    {
        var random = new Random(7);
        const int count = 300;
        var sets = new UnionFind(count);
        var label = Enumerable.Range(0, count).ToArray();
        for (var step = 0; step < 400; step++)
        {
            var (a, b) = (random.Next(count), random.Next(count));
            var merged = label[a] != label[b];
            Assert.Equal(merged, sets.Union(a, b));
            var (from, to) = (label[b], label[a]);
            for (var i = 0; i < count; i++) if (label[i] == from) label[i] = to;
            for (var i = 0; i < count; i++) Assert.Equal(label[i] == label[a], sets.Find(i) == sets.Find(a));
        }
        Assert.Equal(label.Distinct().Count(), sets.SetCount);
    }
}
