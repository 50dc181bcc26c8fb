using MMForge.Selection;
using MMForge.Selection.Streamed;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

/// <summary>Key files cut short or corrupted are refused with a message naming the file, never read as other keys.</summary>
public sealed class KeyFileReaderTests
{
    [Fact]
    public void A_key_file_cut_short_or_with_a_runaway_number_or_an_unlisted_name_is_refused()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("keys.bin");
        SelectionKeyFile.Write(path, "p", add =>
        {
            add(new KeyedRecord(0, 0, new SampleFacts("caps", "Perception", ["dog"], 1, 0, 42, [729], 0)));
            return [new InputRun(0, 0, 1)];
        });
        var whole = File.ReadAllBytes(path);
        void Scan() => SelectionKeyFile.Scan(path, 1, _ => { });
        Scan();

        File.WriteAllBytes(path, whole[..^3]);
        Assert.Contains("cut short", Assert.Throws<EndOfStreamException>(Scan).Message);

        // after the header, a key entry whose input number never ends
        int header;
        using (var reader = new BinaryReader(new MemoryStream(whole))) { reader.ReadString(); reader.ReadString(); header = (int)reader.BaseStream.Position; }
        File.WriteAllBytes(path, [.. whole[..header], 1, .. Enumerable.Repeat((byte)0xFF, 12)]);
        Assert.Contains("runs on too long", Assert.Throws<InvalidDataException>(Scan).Message);

        // a key naming source 5 of a file that lists none
        File.WriteAllBytes(path, [.. whole[..header], 1, 0, 0, 5, 0, 0, 0, 0, .. new byte[8], 0, 0, 0]);
        var scan = new KeyScan([path], 1, 1);
        Assert.Contains("before listing it", Assert.Throws<InvalidDataException>(() => scan.Catalogue((int _, in SelectionKey _, ReadOnlySpan<int> _, ReadOnlySpan<long> _) => { })).Message);
    }
}
