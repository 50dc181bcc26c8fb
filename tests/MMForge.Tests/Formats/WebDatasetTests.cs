using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MMForge.Formats;
using MMForge.Formats.Containers;
using MMForge.Formats.Writers;
using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats;

public class WebDatasetTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 9, 9];

    private const string InfinityRecord =
        """{"id": "10", "source": "llava", "conversations": [{"from": "human", "value": "<image>\nWhat is it?"}, {"from": "gpt", "value": "A hill."}], "image": "a/b.jpg", "ram++_tags": ["hill"], "ram++_tags_score": [2.5], "phash": [12512305226191801180], "qw2vl_loss": 3.0559}""";

    private const string InfinityTextOnly =
        """{"id": "11", "source": "text", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}], "image": "", "qw2vl_loss": 1.5}""";

    [Fact]
    public void InfinityMmShardReadsRecordsWithImageMembersAndEmptyMembersForTextOnly()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("shard.tar");
        TarFile(tar, Member("00/0001.json", InfinityRecord), Member("00/0001.jpg", Jpeg), Member("00/0002.json", InfinityTextOnly), Member("00/0002.jpg", []));

        var result = Read.All(tar);

        Assert.Empty(result.Errors);
        Assert.Equal("infinity-mm", result.Sources.Single().Codec.Name);
        Assert.Equal("tar", result.Sources.Single().Container);
        Assert.Equal(2, result.Samples.Count);
        var first = result.Samples[0];
        Assert.Equal("a/b.jpg", Assert.Single(first.Images).Path);
        Assert.Equal(Jpeg, first.Images[0].Bytes);
        Assert.Equal(12512305226191801180UL, first.Images[0].Phash);
        Assert.Equal("00/0001", first.Provenance.Member);
        Assert.Equal(tar, first.Provenance.File);
        Assert.Empty(result.Samples[1].Images);
        Assert.Equal("Hello", result.Samples[1].Turns[1].Value);
    }

    [Fact]
    public void GzippedTarReadsLikeAPlainOne()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("shard.tar");
        TarFile(tar, Member("0001.json", InfinityRecord), Member("0001.jpg", Jpeg));
        var gz = dir.File("shard.tar.gz");
        using (var input = File.OpenRead(tar))
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            input.CopyTo(output);

        var result = Read.All(gz);

        Assert.Empty(result.Errors);
        Assert.Equal("shard", result.Sources.Single().Name);
        Assert.Equal(Jpeg, Assert.Single(Assert.Single(result.Samples).Images).Bytes);
    }

    [Fact]
    public void HostileMembersAreRejectedByNameAndTheRestIsRead()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("hostile.tar");
        TarFile(tar,
            Member("0001.json", InfinityRecord), Member("0001.jpg", Jpeg),
            Member("../evil.json", InfinityRecord),
            Member("/etc/passwd.jpg", Jpeg),
            Link(TarEntryType.SymbolicLink, "0002.jpg", "/etc/shadow"),
            Member("0003.json", InfinityRecord), Member("0003.jpg", Jpeg),
            Link(TarEntryType.HardLink, "0004.json", "0001.json"));

        var result = Read.All(tar);

        Assert.Equal(["10", "10"], result.Samples.Select(s => s.Id));
        Assert.Equal(["0001", "0003"], result.Samples.Select(s => s.Provenance.Member));
        Assert.Equal(4, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(RejectRules.TarMemberEscape, e.Error.Rule));
        Assert.Contains("'../evil.json'", result.Errors[0].Error.Reason);
        Assert.Contains("'/etc/passwd.jpg'", result.Errors[1].Error.Reason);
        Assert.Contains("'0002.jpg' is a link to '/etc/shadow'", result.Errors[2].Error.Reason);
        Assert.Contains("'0004.json'", result.Errors[3].Error.Reason);
    }

    [Fact]
    public void OversizedMemberIsRejectedAndSkipped()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("big.tar");
        var big = new byte[5000];
        Jpeg.CopyTo(big, 0);
        TarFile(tar, Member("0001.json", InfinityRecord), Member("0001.jpg", big), Member("0002.json", InfinityRecord), Member("0002.jpg", Jpeg));

        var request = new SourceRequest(tar) { MaxRecordBytes = 1000 };
        var source = Assert.Single(new SourceOpener(FormatRegistry.Default).Open(request));
        var records = source.Records.ToList();

        Assert.Equal(2, records.Count);
        Assert.Equal(RejectRules.TooLarge, records[0].Error!.Rule);
        Assert.Contains("'0001.jpg'", records[0].Error!.Reason);
        Assert.Equal("0001", records[0].Location.Member);
        Assert.Null(records[1].Error);
        Assert.Equal(Jpeg, records[1].Attachments.Single().Bytes);
    }

    [Fact]
    public void TruncatedTarEndsWithARejectNotACrash()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("cut.tar");
        TarFile(tar, Member("0001.json", InfinityRecord), Member("0001.jpg", Jpeg), Member("0002.json", InfinityRecord), Member("0002.jpg", new byte[3000]));
        var bytes = File.ReadAllBytes(tar);
        File.WriteAllBytes(tar, bytes[..(bytes.Length - 2048 - 1024)]); // inside the last member's data

        var result = Read.All(tar);

        Assert.Equal("10", Assert.Single(result.Samples).Id);
        Assert.Contains("damaged or truncated", Assert.Single(result.Errors).Error.Reason);
    }

    [Fact]
    public void ImageCaptionShardWithoutJsonReadsAsTextWithEmbeddedImages()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("captions.tar");
        TarFile(tar,
            Member("s/000.jpg", Jpeg), Member("s/000.txt", "a red 猫"), Member("s/000.cls", "3"),
            Member("s/001.png", Png), Member("s/001.caption", "second"),
            Member("s/002.txt", [0xC3, 0x28]));

        var result = Read.All(tar);

        Assert.Equal("mmforge", result.Sources.Single().Codec.Name);
        Assert.Equal(2, result.Samples.Count);
        Assert.Equal("s/000", result.Samples[0].Id);
        Assert.Equal("a red 猫", result.Samples[0].Text);
        Assert.Equal(Jpeg, Assert.Single(result.Samples[0].Images).Bytes);
        Assert.Equal("second", result.Samples[1].Text);
        Assert.Equal(Png, Assert.Single(result.Samples[1].Images).Bytes);
        var error = Assert.Single(result.Errors);
        Assert.Equal(RejectRules.InvalidUtf8, error.Error.Rule);
        Assert.Equal("s/002", error.Location.Member);
    }

    [Fact]
    public void KeyWithoutJsonInAJsonShardIsRejected()
    {
        using var dir = TestPaths.NewTempDir();
        var tar = dir.File("mixed.tar");
        TarFile(tar, Member("0001.json", InfinityRecord), Member("0001.jpg", Jpeg), Member("0002.jpg", Jpeg));

        var result = Read.All(tar);

        Assert.Single(result.Samples);
        Assert.Contains("no .json member", Assert.Single(result.Errors).Error.Reason);
    }

    [Fact]
    public void MemberNamesSplitIntoKeyAndExtensionAtTheFirstDotOfTheFileName()
    {
        Assert.Equal(("dir.v1/000123", "1.jpg"), WebDatasetNames.Split("dir.v1/000123.1.JPG"));
        Assert.Equal(("000123", ""), WebDatasetNames.Split("000123"));
        Assert.True(WebDatasetNames.IsImage("1.jpg"));
        Assert.False(WebDatasetNames.IsImage("json"));
        Assert.NotNull(WebDatasetNames.EscapeReason("a/../../b.json"));
        Assert.NotNull(WebDatasetNames.EscapeReason("C:/x.json"));
        Assert.Null(WebDatasetNames.EscapeReason("./a..b/c.json"));
    }

    [Fact]
    public void WebDatasetWriterRoundTripsUnifiedSamples()
    {
        // non-empty: a tar of no members is just zero blocks, which SourceOpener does not recognise as a tar
        var samples = Gen.OneOf(SampleGenerators.Unified, JpegDialogue).NonEmptyListOf().Select(l => l.Take(5).ToList());
        using var dir = TestPaths.NewTempDir();
        var n = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Arb.From(samples), batch =>
        {
            var path = dir.File($"case{n++}.tar");
            Read.WriteAll(path, "webdataset", batch);
            var read = Read.All(path);
            Assert.Empty(read.Errors);
            Assert.Equal(batch.Select(Read.CanonicalContent), read.Samples.Select(Read.CanonicalContent));
        }));
    }

    [Fact]
    public void WebDatasetWriterPutsImageBytesInMembersNamedByFormat()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("out.tar");
        var sample = new Sample { Id = "x" };
        sample.Images.Add(new ImageRef { Bytes = Jpeg });
        sample.Images.Add(new ImageRef { Bytes = Png, Path = "p.png" });
        Read.WriteAll(path, "webdataset", [sample, new Sample { Id = "y", Text = "t" }]);

        var members = Members(path);

        Assert.Equal(["000000000.json", "000000000.jpg", "000000000.1.png", "000000001.json"], members.Select(m => m.Name));
        Assert.DoesNotContain("bytes", Encoding.UTF8.GetString(members[0].Data));
        Assert.Contains("\"path\":\"p.png\"", Encoding.UTF8.GetString(members[0].Data));
        Assert.All(members, m => Assert.Equal(DateTimeOffset.UnixEpoch, m.Entry.ModificationTime));
    }

    [Fact]
    public void OutputIsByteIdenticalForTheSameSamples()
    {
        using var dir = TestPaths.NewTempDir();
        var samples = JpegDialogue.Sample(10).ToList();
        Read.WriteAll(dir.File("a.tar"), "webdataset", samples);
        Read.WriteAll(dir.File("b.tar"), "webdataset", samples);
        Assert.Equal(File.ReadAllBytes(dir.File("a.tar")), File.ReadAllBytes(dir.File("b.tar")));
    }

    [Fact]
    public void InfinityMmTarOutputWritesJsonAndJpgMembersWithEmptyJpgForTextOnly()
    {
        using var dir = TestPaths.NewTempDir();
        var source = dir.File("in.tar");
        TarFile(source, Member("0001.json", InfinityRecord), Member("0001.jpg", Jpeg), Member("0002.json", InfinityTextOnly), Member("0002.jpg", []));
        var original = Read.All(source).Samples;
        var embedded = new Sample { Id = "12", Text = null };
        embedded.Turns.Add(new Turn(Roles.Human, "<image>"));
        embedded.Turns.Add(new Turn(Roles.Gpt, "ok"));
        embedded.Images.Add(new ImageRef { Bytes = Png });
        var path = dir.File("out.tar");
        Read.WriteAll(path, "infinity-mm", [.. original, embedded]);

        var members = Members(path);
        Assert.Equal(["000000000.json", "000000000.jpg", "000000001.json", "000000001.jpg", "000000002.json", "000000002.jpg"], members.Select(m => m.Name));
        Assert.Empty(members[3].Data);
        Assert.Contains("\"image\":\"000000002.jpg\"", Encoding.UTF8.GetString(members[4].Data));

        var read = Read.All(path);
        Assert.Empty(read.Errors);
        Assert.Equal("infinity-mm", read.Sources.Single().Codec.Name);
        Assert.Equal(original.Select(Read.CanonicalContent), read.Samples.Take(2).Select(Read.CanonicalContent));
        Assert.Equal(Png, read.Samples[2].Images.Single().Bytes);
    }

    [Fact]
    public void CodecShardsRefuseSamplesMixingEmbeddedAndPathOnlyImages()
    {
        using var dir = TestPaths.NewTempDir();
        using var writer = SampleWriters.Open(dir.File("out.tar"), "infinity-mm", FormatRegistry.Default);
        var mixed = new Sample { Id = "m" };
        mixed.Turns.Add(new Turn(Roles.Human, "<image><image>"));
        mixed.Turns.Add(new Turn(Roles.Gpt, "two"));
        mixed.Images.Add(new ImageRef { Bytes = Jpeg });
        mixed.Images.Add(ImageRef.FromPath("b.jpg"));
        Assert.Contains("mixes embedded and path-only", writer.CannotWrite(mixed));
        Assert.Throws<RecordException>(() => writer.Write(mixed));
        Assert.NotNull(writer.CannotWrite(new Sample { Id = "no turns" }));
        using var unified = SampleWriters.Open(dir.File("u.tar"), "webdataset", FormatRegistry.Default);
        Assert.Null(unified.CannotWrite(mixed)); // the unified layout keeps such bytes inline
    }

    [Fact]
    public void ShardPatternStartsANewShardEveryNSamples()
    {
        using var dir = TestPaths.NewTempDir();
        using (var shards = new TarShardWriter(dir.File("part-{shard}.tar"), samplesPerShard: 2))
        {
            for (var i = 0; i < 5; i++)
            {
                shards.BeginSample();
                shards.Add($"{i:D3}.json", Encoding.UTF8.GetBytes("{\"id\":\"" + i + "\",\"provenance\":{}}"));
            }
            shards.Complete();
        }
        Assert.Equal(["part-000000.tar", "part-000001.tar", "part-000002.tar"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(["4"], Read.All(dir.File("part-000002.tar")).Samples.Select(s => s.Id));
    }

    [Fact]
    public void DisposingWithoutCompleteLeavesNoFile()
    {
        using var dir = TestPaths.NewTempDir();
        using (var writer = SampleWriters.Open(dir.File("out.tar"), "webdataset", FormatRegistry.Default))
            writer.Write(new Sample { Id = "x" });
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    /// <summary>Dialogues whose images are all JPEG bytes (header + random body), some also with a path and size.</summary>
    private static Gen<Sample> JpegDialogue { get; } =
        from sample in SampleGenerators.Dialogue()
        from bodies in Gen.Choose(0, 255).ArrayOf().ArrayOf(sample.Images.Count)
        from keepPath in Gen.Elements(true, false)
        select SampleGenerators.Decorate(sample, s =>
        {
            for (var i = 0; i < s.Images.Count; i++)
            {
                s.Images[i].Bytes = [0xFF, 0xD8, 0xFF, .. bodies[i].Select(b => (byte)b)];
                if (!keepPath) s.Images[i].Path = null;
            }
        });

    private static List<(string Name, byte[] Data, TarEntry Entry)> Members(string path)
    {
        var members = new List<(string, byte[], TarEntry)>();
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            members.Add((entry.Name, data.ToArray(), entry));
        }
        return members;
    }

    private static TarEntry Member(string name, string text) => Member(name, Encoding.UTF8.GetBytes(text));

    private static TarEntry Member(string name, byte[] data) =>
        new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    private static TarEntry Link(TarEntryType type, string name, string target) => new PaxTarEntry(type, name) { LinkName = target };

    private static void TarFile(string path, params TarEntry[] entries)
    {
        using var writer = new TarWriter(File.Create(path), TarEntryFormat.Pax);
        foreach (var entry in entries) writer.WriteEntry(entry);
    }
}
