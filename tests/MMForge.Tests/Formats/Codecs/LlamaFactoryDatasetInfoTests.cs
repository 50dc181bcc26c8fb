using MMForge.Formats;
using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Formats.Codecs;

public class LlamaFactoryDatasetInfoTests
{
    [Fact]
    public void EachLocalDatasetOpensWithItsFormattingsCodec()
    {
        using var dir = TestPaths.NewTempDir();
        File.WriteAllText(dir.File("alpaca_zh.json"), """[{"instruction": "写一首诗", "input": "", "output": "春眠不觉晓"}]""");
        File.WriteAllText(dir.File("glaive.json"), """[{"conversations": [{"from": "human", "value": "hi"}, {"from": "function_call", "value": "{}"}, {"from": "observation", "value": "{}"}, {"from": "gpt", "value": "done"}], "tools": "[]"}]""");
        File.WriteAllText(dir.File("mllm_demo.json"), """[{"messages": [{"role": "user", "content": "<image>Who are they?"}, {"role": "assistant", "content": "Players."}], "images": ["mllm_demo_data/1.jpg"]}]""");
        File.WriteAllText(dir.File("qa.jsonl"), "{\"question\": \"What is 2+2?\", \"answer\": \"4\", \"pics\": [\"a.jpg\"]}\n");
        File.WriteAllText(dir.File("chat.json"), """[{"dialog": [{"speaker": "me", "text": "hi"}, {"speaker": "bot", "text": "hello"}], "sys": "be kind"}]""");
        File.WriteAllText(dir.File("dataset_info.json"),
            """
            {
              "alpaca_zh_demo": {"file_name": "alpaca_zh.json"},
              "glaive_toolcall_en_demo": {"file_name": "glaive.json", "formatting": "sharegpt", "columns": {"messages": "conversations", "tools": "tools"}},
              "mllm_demo": {"file_name": "mllm_demo.json", "formatting": "sharegpt", "columns": {"messages": "messages", "images": "images"},
                            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}},
              "alpaca_en": {"hf_hub_url": "llamafactory/alpaca_en"},
              "renamed": {"file_name": "qa.jsonl", "columns": {"prompt": "question", "response": "answer", "images": "pics"}},
              "custom_chat": {"file_name": "chat.json", "formatting": "sharegpt", "columns": {"messages": "dialog", "system": "sys"},
                              "tags": {"role_tag": "speaker", "content_tag": "text", "user_tag": "me", "assistant_tag": "bot"}},
              "typo": {"file_name": "qa.jsonl", "columns": {"promtp": "question"}}
            }
            """);
        var sources = new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(dir.File("dataset_info.json"))).ToList();
        Assert.Equal(["alpaca_zh_demo", "glaive_toolcall_en_demo", "mllm_demo", "alpaca_en", "renamed", "custom_chat", "typo"], sources.Select(s => s.Name));
        Assert.Equal(["alpaca", "sharegpt", "messages", "alpaca", "alpaca", "sharegpt", "alpaca"], sources.Select(s => s.Codec.Name));
        Assert.All(sources, s => Assert.Equal(dir.Path, s.ImageRoot));
        Assert.Equal("sharegpt", sources[1].Info["formatting"]);

        var poem = Decode(sources[0]).Single();
        Assert.Equal(("写一首诗", "春眠不觉晓"), (poem.Turns[0].Value, poem.Turns[1].Value));
        Assert.Equal(["human", "function_call", "observation", "gpt"], Decode(sources[1]).Single().Turns.Select(t => t.Role));
        Assert.Equal("mllm_demo_data/1.jpg", Decode(sources[2]).Single().Images.Single().Path);

        Assert.Contains("'alpaca_en' has no local file_name", Assert.Throws<FormatException>(() => Decode(sources[3])).Message);

        // renamed columns and role tags are read through the entry's mapping
        var renamed = Decode(sources[4]).Single();
        Assert.Equal(("What is 2+2?", "4", "a.jpg"), (renamed.Turns[0].Value, renamed.Turns[1].Value, renamed.Images.Single().Path));
        var chat = Decode(sources[5]).Single();
        Assert.Equal([(Roles.System, "be kind"), (Roles.Human, "hi"), (Roles.Gpt, "hello")], chat.Turns.Select(t => (t.Role, t.Value)));
        Assert.Equal(0, chat.Extra.Count);
        Assert.Contains("'typo' names column 'promtp'", Assert.Throws<FormatException>(() => Decode(sources[6])).Message);
    }

    private static List<Sample> Decode(OpenedSource source) =>
        source.Records.Select(r => RecordDecoder.Decode(r, source.Codec).Sample!).ToList();
}
