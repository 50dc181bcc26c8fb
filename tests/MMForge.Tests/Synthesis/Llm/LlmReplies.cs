using System.Text.Json;
using MMForge.FakeOpenAi;
using MMForge.Synthesis.Llm;

namespace MMForge.Tests.Synthesis.Llm;

/// <summary>What the fake model answers to the llm generator, by the kind each request asks for.</summary>
internal static class LlmReplies
{
    public const string Conversation = """
        {"conversation": [
          {"question": "What kind of shop is this?", "answer": "It is a shop that sells food, with its goods on display behind glass."},
          {"question": "How many shelves can you see?", "answer": "There are two shelves, one above the other."}
        ]}
        """;

    public const string Description = """{"description": "A display case full of goods, arranged neatly on two shelves."}""";

    public const string Reasoning = """{"question": "Why might the goods be kept behind glass?", "answer": "Glass keeps them clean and fresh while customers can still see them."}""";

    /// <summary>The kind a request asks for, from the name of its response schema.</summary>
    public static string KindOf(RecordedRequest request) =>
        request.ResponseFormat?.GetProperty("json_schema").GetProperty("name").GetString() switch
        {
            "conversation" => LlmKinds.Conversation,
            "description" => LlmKinds.DetailedDescription,
            "question_answer" => LlmKinds.ComplexReasoning,
            var other => throw new InvalidOperationException($"a request with an unexpected schema {other}"),
        };

    /// <summary>The image context the request carries (the user message after its last "Image:" heading).</summary>
    public static string ContextOf(RecordedRequest request)
    {
        var user = request.Texts.Last();
        var start = user.LastIndexOf("Image:\n", StringComparison.Ordinal) + "Image:\n".Length;
        return user[start..user.LastIndexOf("\n\nOutput:", StringComparison.Ordinal)];
    }

    /// <summary>A well-formed reply of each kind.</summary>
    public static FakeReply Good(RecordedRequest request) => FakeReply.Text(KindOf(request) switch
    {
        LlmKinds.Conversation => Conversation,
        LlmKinds.DetailedDescription => Description,
        _ => Reasoning,
    });

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
