using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

public sealed class ImageHashMemoTests
{
    private static readonly string Cat = TestPaths.Sample("data-juicer", "images", "cat.jpg");
    private static readonly string Bed = TestPaths.Sample("data-juicer", "images", "img1.png");

    [Fact]
    public void A_file_is_hashed_once_while_it_is_unchanged_and_again_when_it_changes()
    {
        using var dir = TestPaths.NewTempDir();
        var file = dir.File("image.jpg");
        File.Copy(Cat, file);
        var memo = new ImageHashMemo();
        var calls = 0;
        HashedImage Hash(ReadOnlySpan<byte> bytes) { calls++; return HashedImage.Of(bytes, DecodeLimits.Default, fast: false); }

        var first = memo.Get(file, Hash);
        var second = memo.Get(file, Hash);

        Assert.Equal(1, calls);
        Assert.Same(first, second);
        Assert.Equal(0xf030474e4a5b59f9UL, first.Result.Phash); // ../shared/spec/phash_reference.tsv
        File.Copy(Bed, file, overwrite: true);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        var changed = memo.Get(file, Hash);
        Assert.Equal(2, calls);
        Assert.Equal(0x83fa7ca5f08a61a5UL, changed.Result.Phash);
    }

    [Fact]
    public void A_full_memo_starts_over_and_still_answers_right()
    {
        var memo = new ImageHashMemo(capacity: 1);
        HashedImage Hash(ReadOnlySpan<byte> bytes) => HashedImage.Of(bytes, DecodeLimits.Default, fast: false);

        Assert.Equal(0xf030474e4a5b59f9UL, memo.Get(Cat, Hash).Result.Phash);
        Assert.Equal(0x83fa7ca5f08a61a5UL, memo.Get(Bed, Hash).Result.Phash);
        Assert.Equal(0xf030474e4a5b59f9UL, memo.Get(Cat, Hash).Result.Phash);
    }

    [Fact]
    public void Failures_are_remembered_with_their_reason_and_missing_files_throw()
    {
        using var dir = TestPaths.NewTempDir();
        var broken = dir.File("broken.jpg");
        File.WriteAllBytes(broken, File.ReadAllBytes(Cat)[..400]);
        var memo = new ImageHashMemo();

        var hashed = memo.Get(broken, bytes => HashedImage.Of(bytes, DecodeLimits.Default, fast: false));

        Assert.NotNull(hashed.Failure);
        Assert.False(string.IsNullOrEmpty(hashed.Message));
        Assert.Null(hashed.Sha256);
        Assert.Throws<FileNotFoundException>(() => memo.Get(dir.File("none.jpg"), _ => throw new InvalidOperationException("not read")));
    }
}
