using MMForge.Selection;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

/// <summary>The folder checks of a sharded selection's key step, which every shard runs at the same moment.</summary>
public sealed class SelectionFolderTests
{
    [Fact]
    public async Task Shards_claiming_one_new_folder_at_once_never_take_each_others_keys_folder_for_a_stranger()
    {
        using var dir = TestPaths.NewTempDir();
        for (var round = 0; round < 300; round++)
        {
            var outDir = dir.File($"select-{round}");
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, ".shards-fingerprint"), "run"); // what the executor writes first
            using var start = new Barrier(2);
            var claims = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                SelectionFolder.ClaimForShards(outDir);
            }, TestContext.Current.CancellationToken)).ToArray();
            await Task.WhenAll(claims);
        }
    }

    [Fact]
    public void A_folder_holding_something_a_selection_did_not_write_is_refused()
    {
        using var dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File(Path.Combine("out", "notes.txt")), "mine");
        var error = Assert.Throws<ArgumentException>(() => SelectionFolder.ClaimForShards(dir.File("out")));
        Assert.Contains("is not a mix directory", error.Message);
        Assert.False(Directory.Exists(dir.File(Path.Combine("out", "keys"))));
    }
}
