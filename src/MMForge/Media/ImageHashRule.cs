using System.Security.Cryptography;
using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Media;

/// <summary>
/// The hash stage's step: opens every image of a sample once and fills sha256, pHash, width,
/// height and format. A sample whose image is missing or cannot be decoded (truncated, not an
/// image, more pixels than the limit) is rejected with the reason, as Infinity-MM's pHash step
/// drops records whose image cannot be opened; text-only samples pass. In fast mode JPEGs are
/// decoded reduced (<see cref="ImageFileHasher.FastMinSide"/>): pHashes stay within a few bits,
/// and width/height are still the full size, from the header.
/// </summary>
public sealed class ImageHashRule(DecodeLimits limits, bool fast = false) : IRule
{
    public string Name => "image-decode";
    public string Description => "every image must exist and decode; fills sha256, phash, width, height and format";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        for (var i = 0; i < sample.Images.Count; i++)
        {
            var image = sample.Images[i];
            var file = image.Bytes is null ? context.ImageFile(image) : null;
            if (image.Bytes is null && file is null)
                return RuleOutcome.Reject($"image {i + 1} ({image.Path}) has no bytes and no file under a known image root");
            byte[] bytes;
            try { bytes = image.Bytes ?? File.ReadAllBytes(file!); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return RuleOutcome.Reject($"image {i + 1} cannot be read: {e.Message}");
            }
            try
            {
                var hashed = ImageFileHasher.Phash(bytes, limits, fast);
                image.Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
                image.Phash = hashed.Phash;
                (image.Width, image.Height, image.Format) = (hashed.Width, hashed.Height, hashed.Format);
            }
            catch (ImageDecodeException e)
            {
                return RuleOutcome.Reject($"image {i + 1} ({image.Path ?? "embedded"}): {e.Failure}: {e.Message}");
            }
        }
        return RuleOutcome.Pass;
    }
}
