using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MMForge.Media.Shards;

/// <summary>
/// An image file's 128-bit key (the first half of the SHA-256 of its resolved path) and the image
/// shard that owns it. Owning by path spreads the files evenly and gives each file to exactly one
/// shard, however many records in however many record shards use it.
/// </summary>
public static class ImagePathKey
{
    public static UInt128 Of(string path)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(path), digest);
        return new UInt128(BinaryPrimitives.ReadUInt64BigEndian(digest), BinaryPrimitives.ReadUInt64BigEndian(digest[8..]));
    }

    public static int Owner(UInt128 key, int shards) => (int)(key % (uint)shards);
}
