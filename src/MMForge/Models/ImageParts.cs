using MMForge.Media;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Models;

/// <summary>An image of a sample that cannot be shown to a model, with the reason.</summary>
public sealed class ImagePartException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A sample's image as a model sees it: embedded bytes or the file (as the stage resolves it;
/// paths were checked not to leave their root before any step runs) shrunk to a maximum side
/// (<see cref="ImageShrinker"/>: models see a few hundred pixels a side, and a smaller request is
/// faster to send and to answer), or a URL the server fetches itself.
/// </summary>
public static class ImageParts
{
    /// <exception cref="ImagePartException">The image is under no known root, cannot be read, or is not a decodable image.</exception>
    public static MessagePart For(ImageRef image, Func<ImageRef, string?> imageFile, int maxSide)
    {
        if (image.Bytes is { } bytes) return Shrunk(bytes, maxSide);
        if (image.Path is { } path && ImagePathResolver.IsUrl(path)) return new ImageUrlPart(new Uri(path));
        var file = imageFile(image) ?? throw new ImagePartException($"image {image.Path} is under no known image root");
        try
        {
            return Shrunk(File.ReadAllBytes(file), maxSide);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImagePartException($"image {file} cannot be read: {e.Message}", e);
        }
    }

    private static ImagePart Shrunk(byte[] image, int maxSide)
    {
        try
        {
            var (bytes, mediaType) = ImageShrinker.ForModel(image, maxSide);
            return new ImagePart(bytes, mediaType);
        }
        catch (ImageDecodeException e)
        {
            throw new ImagePartException($"the image cannot be prepared for the model: {e.Failure}: {e.Message}", e);
        }
    }
}
