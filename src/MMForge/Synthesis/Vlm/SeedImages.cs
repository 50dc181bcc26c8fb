using System.Collections.Concurrent;
using MMForge.Models;

namespace MMForge.Synthesis.Vlm;

/// <summary>
/// Few-shot seed images, read and shrunk once and kept (up to a capacity; past it they are read
/// each time): the best examples for similar images are the same few seeds, and each shrink
/// costs a decode. A seed whose image cannot be read is remembered as such.
/// </summary>
internal sealed class SeedImages(int maxSide, int capacity)
{
    private readonly ConcurrentDictionary<string, MessagePart?> parts = new(StringComparer.Ordinal);

    /// <summary>The seed's image as a message part, or null when it cannot be shown.</summary>
    public MessagePart? For(SeedExample seed)
    {
        if (parts.TryGetValue(seed.Key, out var known)) return known;
        MessagePart? part;
        try { part = ImageParts.For(seed.Image, seed.ImageFile, maxSide); }
        catch (ImagePartException) { part = null; }
        if (parts.Count < capacity) parts.TryAdd(seed.Key, part);
        return part;
    }
}
