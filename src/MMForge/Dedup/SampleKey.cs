using System.Security.Cryptography;
using System.Text;
using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// What the key pass reads of a sample, 48 bytes (and what a shard's key file holds besides its
/// id): its exact-duplicate key, the pHash of its first image, its source, the quality signals
/// that choose which duplicate is kept, and its byte offset in its file. The decide step holds
/// them as <see cref="KeyColumns"/>.
/// </summary>
public readonly record struct SampleKey(UInt128 Exact, ulong Phash, bool HasPhash, bool HasText, int Source, float Loss, int Pixels, long Offset)
{
    /// <summary>The Infinity-MM loss score: lower is cleaner, so the duplicate with the lowest is kept.</summary>
    public const string LossScore = "qw2vl_loss";

    /// <summary>
    /// The key of one sample. The exact key is a SHA-256 prefix (128 bits: no collisions in any
    /// real corpus) of its images (pHash, or the file's sha256 or path when not hashed), its
    /// turns (role and text), its plain text and its annotations, and, when deduplicating per
    /// source, the source name. <paramref name="text"/> is the sample's <see cref="DuplicateText"/>.
    /// </summary>
    public static SampleKey Of(Sample sample, string text, bool perSource, int source, long offset)
    {
        var first = sample.Images.Count > 0 ? sample.Images[0] : null;
        var loss = sample.Scores.TryGetValue(LossScore, out var l) && double.IsFinite(l) ? (float)l : float.NaN;
        var pixels = first is { Width: { } w, Height: { } h } ? (int)Math.Min((long)w * h, int.MaxValue) : 0;
        return new SampleKey(ExactKey(sample, perSource), first?.Phash ?? 0, first?.Phash is not null,
            !string.IsNullOrWhiteSpace(text), source, loss, pixels, offset);
    }

    private static UInt128 ExactKey(Sample sample, bool perSource)
    {
        var text = new StringBuilder();
        if (perSource) text.Append(sample.Source).Append('\0');
        foreach (var image in sample.Images)
            text.Append(image.Phash?.ToString("x16") ?? image.Sha256 ?? image.Root + "/" + image.Path).Append('\0');
        foreach (var turn in sample.Turns) text.Append(turn.Role).Append('\0').Append(turn.Value).Append('\0');
        text.Append(sample.Text).Append('\0');
        if (sample.Annotations is { } annotations)
        {
            foreach (var caption in annotations.Captions) text.Append(caption).Append('\0');
            foreach (var box in annotations.Boxes) text.Append(box.Category).Append(':').AppendJoin(',', box.Bbox).Append('\0');
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), digest);
        return new UInt128(BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]));
    }

    /// <summary>What is read of this key once its sample is in a cluster.</summary>
    public MemberKey Member => new(Loss, Pixels, Offset);
}

/// <summary>
/// The text of a sample that near-duplicate text detection compares: every turn, its plain text
/// and its annotation captions, without image placeholders. Box categories are left out: two
/// images with the same objects are not the same text. A sample with none of these has no text
/// and is never a text duplicate.
/// </summary>
public static class DuplicateText
{
    public static string Of(Sample sample)
    {
        var text = new StringBuilder();
        foreach (var turn in sample.Turns) text.Append(turn.Value).Append('\n');
        if (sample.Text is not null) text.Append(sample.Text).Append('\n');
        foreach (var caption in sample.Annotations?.Captions ?? []) text.Append(caption).Append('\n');
        return text.Replace(Sample.ImageToken, "").ToString();
    }
}
