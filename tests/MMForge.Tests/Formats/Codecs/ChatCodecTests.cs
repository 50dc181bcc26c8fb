using MMForge.Records;
using MMForge.Tests.Support;
using static MMForge.Tests.Formats.Codecs.CodecRecords;

namespace MMForge.Tests.Formats.Codecs;

/// <summary>sharegpt, messages, openai and alpaca: the choices each makes on single records.</summary>
public class ChatCodecTests
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];

    [Fact]
    public void ShareGptSystemPromptIsALeadingSystemTurnAndWrittenBack()
    {
        const string record = """{"conversations": [{"from": "human", "value": "<image>hi"}, {"from": "function_call", "value": "{}"}, {"from": "observation", "value": "ok"}, {"from": "gpt", "value": "done"}], "images": ["a.jpg"], "system": "be brief", "tools": "[]"}""";
        Assert.Equal("sharegpt", Detect(record));
        var s = Decode("sharegpt", record);
        Assert.Equal([Roles.System, Roles.Human, "function_call", "observation", Roles.Gpt], s.Turns.Select(t => t.Role));
        Assert.Equal("be brief", s.Turns[0].Value);
        Assert.Equal("\"[]\"", s.Extra.Get("tools"));
        var encoded = Encode("sharegpt", s);
        Assert.Contains("\"system\":\"be brief\"", encoded);
        Assert.Contains("\"images\":[\"a.jpg\"]", encoded);
    }

    [Fact]
    public void OpenAiPartsBecomePlaceholdersAndImagesInOrder()
    {
        var url = "data:image/png;base64," + Convert.ToBase64String(Png);
        var record = """{"messages": [{"role": "user", "content": [{"type": "text", "text": "Compare "}, {"type": "image_url", "image_url": {"url": "URL"}}, {"type": "text", "text": " and "}, {"type": "image", "image": "b.jpg"}]}, {"role": "assistant", "content": "Same."}]}"""
            .Replace("URL", url);
        Assert.Equal("openai", Detect(record));
        var s = Decode("openai", record);
        Assert.Equal("Compare <image> and <image>", s.Turns[0].Value);
        Assert.Equal(Png, s.Images[0].Bytes);
        Assert.Equal("b.jpg", s.Images[1].Path);
        var encoded = Encode("openai", s);
        Assert.Contains(url, encoded);
        Assert.Contains("{\"type\":\"image_url\",\"image_url\":{\"url\":\"b.jpg\"}}", encoded);
        Assert.Contains("\"content\":\"Same.\"", encoded);
    }

    [Fact]
    public void OpenAiKeepsImagesWithoutPlaceholdersAndPlaceholdersWithoutImages()
    {
        var s = new Sample();
        s.Turns.Add(new Turn(Roles.Human, "look <image> here"));
        s.Images.Add(ImageRef.FromPath("a.jpg"));
        s.Images.Add(ImageRef.FromPath("b.jpg"));
        var encoded = Encode("openai", s);
        Assert.EndsWith("\"images\":[\"b.jpg\"]}", encoded);
        Assert.Equal(Read.Canonical(s), Read.Canonical(Decode("openai", encoded)));

        s.Images.Clear();
        Assert.Contains("\"content\":\"look <image> here\"", Encode("openai", s));
    }

    [Fact]
    public void MessagesWritesStringContentAndAnImageList()
    {
        var s = Decode("openai", """{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/a.jpg"}}, {"type": "text", "text": "What?"}]}]}""");
        Assert.Equal("""{"messages":[{"role":"user","content":"<image>What?"}],"images":["https://x/a.jpg"]}""", Encode("messages", s));
        Assert.Equal("messages", Detect(Encode("messages", s)));
    }

    [Fact]
    public void UnknownContentPartsAndBadDataUrlsAreRejected()
    {
        Assert.Contains("messages[0].content[0].type", Reject("openai", """{"messages": [{"role": "user", "content": [{"type": "video", "video": "v.mp4"}]}]}""").Reason);
        Assert.Contains("image_url", Reject("openai", """{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png,abc"}}]}]}""").Reason);
        Assert.Contains("messages[0].role", Reject("messages", """{"messages": [{"content": "hi"}]}""").Reason);
    }

    [Fact]
    public void AlpacaJoinsInputToInstructionAndReadsHistoryAndSystem()
    {
        const string record = """{"instruction": "Translate", "input": "你好", "output": "Hello", "system": "sys", "history": [["q1", "a1"]], "images": ["a.jpg"]}""";
        Assert.Equal("alpaca", Detect(record));
        var s = Decode("alpaca", record);
        Assert.Equal([(Roles.System, "sys"), (Roles.Human, "q1"), (Roles.Gpt, "a1"), (Roles.Human, "Translate\n你好"), (Roles.Gpt, "Hello")],
            s.Turns.Select(t => (t.Role, t.Value)));
        Assert.Equal("""{"system":"sys","instruction":"Translate\n你好","output":"Hello","history":[["q1","a1"]],"images":["a.jpg"]}""", Encode("alpaca", s));
    }

    [Fact]
    public void AlpacaRefusesDialoguesItCannotExpress()
    {
        var s = new Sample { Id = "7" };
        s.Turns.Add(new Turn(Roles.Human, "only a question"));
        var e = Assert.Throws<MMForge.Formats.RecordException>(() => Encode("alpaca", s));
        Assert.Contains("'7'", e.Message);
        Assert.Contains("history[0]", Reject("alpaca", """{"instruction": "i", "output": "o", "history": [["only one"]]}""").Reason);
    }

    [Fact]
    public void DataJuicerWritesADialogueAsItsTurnValuesOnePerLine()
    {
        var s = new Sample();
        s.Images.Add(ImageRef.FromPath("a.jpg"));
        s.Turns.Add(new Turn(Roles.Human, "<image>What is it?"));
        s.Turns.Add(new Turn(Roles.Gpt, "A cat."));
        Assert.Equal("""{"text":"<__dj__image>What is it?\nA cat.","images":["a.jpg"]}""", Encode("datajuicer", s));
    }

    [Fact]
    public void DataJuicerKeepsChunkEnds()
    {
        var s = Decode("datajuicer", """{"text": "<__dj__image> a <|__dj__eoc|> b", "images": ["a.jpg"], "__dj__stats__": {}}""");
        Assert.Equal("<image> a <|__dj__eoc|> b", s.Text);
        Assert.Equal("""{"text":"<__dj__image> a <|__dj__eoc|> b","images":["a.jpg"],"__dj__stats__":{}}""", Encode("datajuicer", s));
    }
}
