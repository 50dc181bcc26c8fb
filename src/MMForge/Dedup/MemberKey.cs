using System.Runtime.InteropServices;

namespace MMForge.Dedup;

/// <summary>
/// The part of a sample's key that is read only once the sample is in a cluster, 16 bytes: the
/// quality signals that choose which duplicate is kept, and the byte offset of its record (which,
/// with its file, names a removed sample to the writing pass). <see cref="KeyColumns"/> keeps it on
/// disk.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct MemberKey(float Loss, int Pixels, long Offset)
{
    /// <summary>
    /// Which of two duplicates is the better one to keep: the lower loss when both have one (a
    /// scored sample beats an unscored one), then the larger image, then the first seen.
    /// </summary>
    public static bool Better(in MemberKey a, int ordinalA, in MemberKey b, int ordinalB)
    {
        var lossA = float.IsNaN(a.Loss) ? float.PositiveInfinity : a.Loss;
        var lossB = float.IsNaN(b.Loss) ? float.PositiveInfinity : b.Loss;
        if (lossA != lossB) return lossA < lossB;
        if (a.Pixels != b.Pixels) return a.Pixels > b.Pixels;
        return ordinalA < ordinalB;
    }
}
