using FsCheck;
using FsCheck.Fluent;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats.Codecs;

/// <summary>
/// For every codec, read(write(x)) == x for samples the format can express: written by the
/// real writer as a JSON array and as JSON Lines, read back as ingest reads, compared as
/// unified JSON with provenance (filled by the reader) cleared.
/// </summary>
public class RoundTripProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(100);

    [Fact]
    public void Mmforge() => Holds("mmforge", SampleGenerators.Unified);

    [Fact]
    public void Llava() => Holds("llava", SampleGenerators.Dialogue(new DialogueShape { SystemTurn = true, TurnExtras = true }));

    [Fact]
    public void InternVl() => Holds("internvl",
        from sample in SampleGenerators.Dialogue(new DialogueShape { TurnExtras = true })
        from size in Gen.Choose(1, 8192).ArrayOf(2)
        select SampleGenerators.Decorate(sample, s =>
        {
            if (s.Images is not [var image]) return;
            image.Width = size[0];
            image.Height = size[1];
        }));

    [Fact]
    public void InfinityMm() => Holds("infinity-mm", SampleGenerators.InfinityMm);

    [Fact]
    public void ShareGpt() => Holds("sharegpt",
        SampleGenerators.Dialogue(new DialogueShape { SystemTurn = true, TurnExtras = true, OtherPair = ("function_call", "observation") }));

    [Fact]
    public void Messages() => Holds("messages", SampleGenerators.Dialogue(new DialogueShape { SystemTurn = true, TurnExtras = true }));

    [Fact]
    public void OpenAi() => Holds("openai", SampleGenerators.Dialogue(new DialogueShape { SystemTurn = true, TurnExtras = true, EmbeddedImages = true }));

    [Fact]
    public void DataJuicer() => Holds("datajuicer", SampleGenerators.TextDocument());

    [Fact]
    public void Alpaca() => Holds("alpaca", SampleGenerators.Dialogue(new DialogueShape { SystemTurn = true }));

    private static void Holds(string codec, Gen<Sample> samples)
    {
        using var dir = TestPaths.NewTempDir();
        var n = 0;
        Check.One(Runs, Prop.ForAll(Arb.From(samples), sample =>
        {
            n++;
            foreach (var ext in new[] { ".json", ".jsonl" })
            {
                var path = dir.File($"case{n}{ext}");
                Assert.Equal(Read.CanonicalContent(sample), Read.CanonicalContent(WriteAndRead(path, codec, sample)));
            }
        }));
    }

    private static Sample WriteAndRead(string path, string codec, Sample sample)
    {
        using (var writer = SampleWriters.Open(path, codec, FormatRegistry.Default))
        {
            writer.Write(sample);
            writer.Complete();
        }
        var read = Read.All(path, codec);
        Assert.Empty(read.Errors);
        return Assert.Single(read.Samples);
    }
}
