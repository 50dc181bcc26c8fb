namespace MMForge.Models;

public enum MessageRole { System, User, Assistant }

/// <summary>One chat message: text and, in user messages, images.</summary>
public sealed record ModelMessage(MessageRole Role, IReadOnlyList<MessagePart> Parts)
{
    public static ModelMessage System(string text) => new(MessageRole.System, [new TextPart(text)]);

    public static ModelMessage User(string text) => new(MessageRole.User, [new TextPart(text)]);

    public static ModelMessage User(params MessagePart[] parts) => new(MessageRole.User, parts);

    public static ModelMessage Assistant(string text) => new(MessageRole.Assistant, [new TextPart(text)]);
}

/// <summary>A piece of message content: <see cref="TextPart"/>, <see cref="ImagePart"/> or <see cref="ImageUrlPart"/>.</summary>
public abstract record MessagePart
{
    // Closed hierarchy: the client and the cache key know every kind of part.
    private protected MessagePart() { }
}

public sealed record TextPart(string Text) : MessagePart;

/// <summary>
/// An image sent inline as a base64 data URL. The bytes go as given; callers shrink large images
/// first with <see cref="Media.ImageShrinker"/> (the tag stage does, to <c>--max-image-side</c>).
/// </summary>
public sealed record ImagePart : MessagePart
{
    private string? sha256;

    public ImagePart(ReadOnlyMemory<byte> bytes, string mediaType = "image/jpeg")
    {
        if (bytes.IsEmpty) throw new ArgumentException("an image part needs image bytes", nameof(bytes));
        if (!mediaType.StartsWith("image/", StringComparison.Ordinal))
            throw new ArgumentException($"an image part needs an image/* media type, not '{mediaType}'", nameof(mediaType));
        Bytes = bytes;
        MediaType = mediaType;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    public string MediaType { get; }

    /// <summary>Hex SHA-256 of the bytes: what the request cache keys on instead of the bytes.</summary>
    public string Sha256 => sha256 ??= Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Bytes.Span));

    // Equal by content, not by the memory holding it nor by whether the digest was computed yet.
    public bool Equals(ImagePart? other) =>
        other is not null && MediaType == other.MediaType && Bytes.Span.SequenceEqual(other.Bytes.Span);

    public override int GetHashCode() => HashCode.Combine(MediaType, Sha256);
}

/// <summary>An image the server fetches itself (http(s) or data URL).</summary>
public sealed record ImageUrlPart(Uri Url) : MessagePart;
