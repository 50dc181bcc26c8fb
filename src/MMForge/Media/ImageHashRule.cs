using MMForge.Filters;
using MMForge.Media.VisualTokens;
using MMForge.Records;

namespace MMForge.Media;

/// <summary>
/// The hash stage's step: opens every image of a sample once and fills sha256, pHash, width,
/// height and format, then the sample's visual tokens. An image that cannot be used rejects the
/// sample under the check it failed, each decided from the header before any pixel is decoded
/// where it can be: <c>image-missing</c>, <c>image-too-many-pixels</c> (decompression bombs),
/// <c>image-too-small</c>, <c>image-aspect</c>, and <c>image-decode</c> for bytes that are not a
/// known format, truncated or corrupt (as Infinity-MM's pHash step drops records whose image
/// cannot be opened). Text-only samples pass. In fast mode JPEGs are decoded reduced
/// (<see cref="ImageFileHasher.FastMinSide"/>): pHashes stay within a few bits, and width and
/// height are still the full size, from the header. A file shared by several samples is read and
/// decoded once per job, and in a record shard taken from the image shards' hashes when they have it
/// (<paramref name="known"/>).
/// </summary>
public sealed class ImageHashRule(DecodeLimits limits, bool fast = false, Shards.KnownImageHashes? known = null) : IRule
{
    /// <summary>One rule serves one job, so the files it hashed are those of this job (see <see cref="ImageHashMemo"/>).</summary>
    private readonly ImageHashMemo _memo = new(hashedByImageShards: known);

    public string Name => "image-decode";
    public string Description => "every image must exist, decode and pass the size limits; fills sha256, phash, width, height, format and visual tokens";
    public bool OnByDefault => true;

    /// <summary>The named check each decode failure is reported under.</summary>
    public static string CheckName(DecodeFailure failure) => failure switch
    {
        DecodeFailure.TooManyPixels => "image-too-many-pixels",
        DecodeFailure.TooSmall => "image-too-small",
        DecodeFailure.ExtremeAspect => "image-aspect",
        _ => "image-decode",
    };

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        for (var i = 0; i < sample.Images.Count; i++)
        {
            var image = sample.Images[i];
            var label = $"image {i + 1} ({image.Path ?? "embedded"})";
            var file = image.Bytes is null ? context.ImageFile(image) : null;
            if (image.Bytes is null && file is null)
                return RuleOutcome.Reject("image-missing", $"{label} has no bytes and no file under a known image root");
            HashedImage hashed;
            try
            {
                hashed = image.Bytes is { } bytes ? HashedImage.Of(bytes, limits, fast) : _memo.Get(file!, read => HashedImage.Of(read, limits, fast));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return RuleOutcome.Reject("image-missing", $"{label}: file not found: {file}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return RuleOutcome.Reject($"{label} cannot be read: {e.Message}");
            }
            if (hashed.Failure is { } failure) return RuleOutcome.Reject(CheckName(failure), $"{label}: {failure}: {hashed.Message}");
            image.Sha256 = hashed.Sha256;
            image.Phash = hashed.Result.Phash;
            (image.Width, image.Height, image.Format) = (hashed.Result.Width, hashed.Result.Height, hashed.Result.Format);
        }
        VisualTokenBudget.Record(sample);
        return RuleOutcome.Pass;
    }
}
