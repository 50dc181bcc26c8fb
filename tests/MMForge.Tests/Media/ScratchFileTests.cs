using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

public sealed class ScratchFileTests
{
    [Fact]
    public void Each_read_gives_exactly_its_files_bytes_though_the_thread_reuses_one_array()
    {
        using var dir = TestPaths.NewTempDir();
        var photo = TestPaths.Sample("data-juicer", "images", "cat.jpg");
        File.WriteAllBytes(dir.File("small.bin"), [1, 2, 3]);
        File.WriteAllBytes(dir.File("empty.bin"), []);

        Assert.Equal(File.ReadAllBytes(photo), ScratchFile.Read(photo).ToArray());
        // smaller files after a larger one: no tail of the earlier file is handed back
        Assert.Equal([1, 2, 3], ScratchFile.Read(dir.File("small.bin")).ToArray());
        Assert.Equal(0, ScratchFile.Read(dir.File("empty.bin")).Length);
        Assert.Equal(File.ReadAllBytes(photo), ScratchFile.Read(photo).ToArray());
        Assert.Throws<FileNotFoundException>(() => ScratchFile.Read(dir.File("missing.jpg")).Length);
    }
}
