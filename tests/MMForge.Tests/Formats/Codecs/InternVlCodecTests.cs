using static MMForge.Tests.Formats.Codecs.CodecRecords;

namespace MMForge.Tests.Formats.Codecs;

public class InternVlCodecTests
{
    [Fact]
    public void SizeKeysMakeARecordInternVlAndPlainRecordsStayLlava()
    {
        Assert.Equal("internvl", Detect("""{"id": 0, "image": "a.jpg", "width": 640, "height": 480, "conversations": []}"""));
        Assert.Equal("llava", Detect("""{"id": 0, "image": "a.jpg", "conversations": []}"""));
    }

    [Fact]
    public void SingleImageSizeMapsToTheImageWhateverTheKeyOrder()
    {
        var s = Decode("internvl", """{"width": 640, "height": 480, "id": 0, "conversations": [{"from": "human", "value": "<image>\nhi"}], "image": "a.jpg"}""");
        Assert.Equal((640, 480), (s.Images[0].Width, s.Images[0].Height));
        Assert.Empty(s.Extra);
        Assert.Contains("\"width\":640,\"height\":480", Encode("internvl", s));
    }

    [Fact]
    public void SizeListsOfSeveralImagesStayExtra()
    {
        var s = Decode("internvl", """{"id": 0, "image": ["a.jpg", "b.jpg"], "width": [640, 320], "height": [480, 240], "conversations": []}""");
        Assert.All(s.Images, i => Assert.Null(i.Width));
        Assert.Equal("[640,320]", s.Extra.Get("width"));
        Assert.Equal("[480,240]", s.Extra.Get("height"));
    }

    [Fact]
    public void NonIntegerWidthIsRejected() =>
        Assert.Contains("'width'", Reject("internvl", """{"image": "a.jpg", "width": "wide", "conversations": []}""").Reason);
}
