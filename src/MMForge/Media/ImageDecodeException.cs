namespace MMForge.Media;

/// <summary>Why an image could not be decoded; the image-check rules name their reject after it.</summary>
public enum DecodeFailure
{
    /// <summary>The bytes are no image format the decoders know.</summary>
    UnknownFormat,
    /// <summary>The data ends before the image does.</summary>
    Truncated,
    /// <summary>The header or the compressed data is invalid.</summary>
    Corrupt,
    /// <summary>The header declares more pixels than the configured limit (a possible decompression bomb).</summary>
    TooManyPixels,
    /// <summary>A valid image in a pixel layout not handled (for example floating-point samples, or more than 4 bands).</summary>
    Unsupported,
    /// <summary>The header declares a side shorter than the configured minimum.</summary>
    TooSmall,
    /// <summary>The header declares a long side more times the short side than the configured maximum.</summary>
    ExtremeAspect,
}

/// <summary>An image that cannot be turned into pixels, with the reason.</summary>
public sealed class ImageDecodeException(DecodeFailure failure, string message) : Exception(message)
{
    public DecodeFailure Failure { get; } = failure;
}

/// <summary>A native library the media layer needs is not installed.</summary>
public sealed class NativeLibraryMissingException(string library, string debianPackage, Exception inner)
    : Exception($"{library} is not installed: install the Debian package {debianPackage} (apt-get install {debianPackage})", inner)
{
    public string DebianPackage { get; } = debianPackage;
}
