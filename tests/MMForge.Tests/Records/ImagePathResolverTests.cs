using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Records;

public class ImagePathResolverTests
{
    [Theory]
    [InlineData("a/b.jpg", "a/b.jpg")]
    [InlineData("./a/./b.jpg", "a/b.jpg")]
    [InlineData("a/../b.jpg", "b.jpg")]
    [InlineData("https://example.org/x.jpg", "https://example.org/x.jpg")]
    public void AcceptedPathsAreNormalisedUnderTheRoot(string path, string expected)
    {
        using var dir = TestPaths.NewTempDir();
        var image = ImageRef.FromPath(path);
        Assert.Null(new ImagePathResolver("src", dir.Path).Resolve(image));
        Assert.Equal(expected, image.Path);
    }

    [Theory]
    [InlineData("../secret.jpg", "'..'")]
    [InlineData("a/../../secret.jpg", "'..'")]
    [InlineData("/etc/passwd", "outside the image root")]
    [InlineData("a\0b.jpg", "NUL")]
    [InlineData("", "empty")]
    public void EscapingPathsAreRefused(string path, string reason)
    {
        using var dir = TestPaths.NewTempDir();
        Assert.Contains(reason, new ImagePathResolver("src", dir.Path).Resolve(ImageRef.FromPath(path)));
    }

    [Fact]
    public void AbsolutePathInsideTheRootBecomesRelative()
    {
        using var dir = TestPaths.NewTempDir();
        var image = ImageRef.FromPath(Path.Combine(dir.Path, "sub", "x.jpg"));
        Assert.Null(new ImagePathResolver("src", dir.Path).Resolve(image));
        Assert.Equal("sub/x.jpg", image.Path);
    }

    [Fact]
    public void SymlinkLeadingOutOfTheRootIsRefused()
    {
        using var root = TestPaths.NewTempDir();
        using var outside = TestPaths.NewTempDir();
        File.WriteAllText(outside.File("secret.jpg"), "x");
        File.CreateSymbolicLink(root.File("innocent.jpg"), outside.File("secret.jpg"));
        Directory.CreateSymbolicLink(root.File("dir"), outside.Path);
        var resolver = new ImagePathResolver("src", root.Path);
        Assert.Contains("symbolic link", resolver.Resolve(ImageRef.FromPath("innocent.jpg")));
        Assert.Contains("symbolic link", resolver.Resolve(ImageRef.FromPath("dir/secret.jpg")));
    }

    [Fact]
    public void PrefixMappingRewritesPathsFromAnotherMachine()
    {
        using var dir = TestPaths.NewTempDir();
        var image = ImageRef.FromPath("../../tests/ops/data/img1.png");
        Assert.Null(new ImagePathResolver("dj", dir.Path, [PathMapping.Parse("../../tests/ops/data/=images/")]).Resolve(image));
        Assert.Equal("images/img1.png", image.Path);
        Assert.Equal("dj", image.Root);
    }
}
