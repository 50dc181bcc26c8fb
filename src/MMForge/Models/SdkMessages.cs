using OpenAI.Chat;

namespace MMForge.Models;

/// <summary>Turns the client's own request types into the OpenAI SDK's.</summary>
internal static class SdkMessages
{
    public static List<ChatMessage> Convert(IReadOnlyList<ModelMessage> messages) => [.. messages.Select(Convert)];

    public static ChatCompletionOptions Options(ModelRequest request, bool withSchema)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            MaxOutputTokenCount = request.MaxOutputTokens,
        };
        if (withSchema && request.ResponseSchema is { } schema)
            options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(schema.Name, BinaryData.FromString(schema.Schema));
        return options;
    }

    private static ChatMessage Convert(ModelMessage message) => message.Role switch
    {
        MessageRole.System => new SystemChatMessage(TextOnly(message)),
        MessageRole.Assistant => new AssistantChatMessage(TextOnly(message)),
        // A text-only user message goes as a plain string: some servers accept nothing else without images.
        MessageRole.User when message.Parts.All(part => part is TextPart) => new UserChatMessage(TextOnly(message)),
        MessageRole.User => new UserChatMessage(message.Parts.Select(Convert)),
        _ => throw new ArgumentOutOfRangeException(nameof(message), message.Role, "unknown message role"),
    };

    private static ChatMessageContentPart Convert(MessagePart part) => part switch
    {
        TextPart text => ChatMessageContentPart.CreateTextPart(text.Text),
        ImagePart image => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image.Bytes), image.MediaType),
        ImageUrlPart url => ChatMessageContentPart.CreateImagePart(url.Url),
        _ => throw new ArgumentOutOfRangeException(nameof(part), part.GetType().Name, "unknown message part"),
    };

    private static string TextOnly(ModelMessage message) => string.Concat(message.Parts.Select(part => part is TextPart text
        ? text.Text
        : throw new ArgumentException($"{message.Role} messages carry text only; images go in user messages")));
}
