using MMForge.Models;

namespace MMForge.Tests.Models;

public sealed class JsonReplyTests
{
    [Theory]
    [InlineData("""{"tags": ["dog"]}""", """{"tags": ["dog"]}""")]
    [InlineData("```json\n[\"dog\", \"cat\"]\n```", """["dog", "cat"]""")]
    [InlineData("Sure! Here are the tags:\n{\"tags\": [\"a {weird} tag\", \"b]\"]}\nHope this helps.", """{"tags": ["a {weird} tag", "b]"]}""")]
    [InlineData("""See [figure 1] for details: {"path": "a/b"}""", """{"path": "a/b"}""")]
    [InlineData("""{"quote": "she said \"hi\" }"} trailing""", """{"quote": "she said \"hi\" }"}""")]
    // A reply cut off by the token limit still yields its first complete part.
    [InlineData("""{"tags": ["dog", "cat"], "scene": [""", """["dog", "cat"]""")]
    public void The_first_parsable_object_or_array_is_found(string reply, string expected)
    {
        Assert.Equal(expected, JsonReply.Parse(reply).GetRawText());
    }

    [Theory]
    [InlineData("dog, cat, beach")]
    [InlineData("{'tags': ['dog']}")]
    [InlineData("{\"tags\": \"dog\"")]
    [InlineData("")]
    public void Text_without_strict_json_is_a_clear_failure(string reply)
    {
        Assert.False(JsonReply.TryParse(reply, out _));
        var error = Assert.Throws<FormatException>(() => JsonReply.Parse(reply));
        Assert.Contains("no JSON object or array", error.Message);
    }
}
