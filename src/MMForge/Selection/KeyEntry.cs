namespace MMForge.Selection;

/// <summary>
/// One record of a select key file as <see cref="SelectionKeyFile.Scan"/> reads it, refilled for
/// every record: the source, stratum and tags are numbers into the file's own name tables
/// (<see cref="Names"/>, source, stratum and tag names in the order the file lists them).
/// </summary>
internal sealed class KeyEntry(int mixCount)
{
    public const int SourceTable = 0, StratumTable = 1, TagTable = 2;

    public List<string>[] Names { get; } = [[], [], []];
    public bool Decoded;
    public int Input, Ordinal, Source, Stratum, Yes, No, ImagesWithoutSize, TagCount;
    public ulong Draw;
    public int[] Tags = new int[16];
    public readonly long[] Tokens = new long[mixCount];

    public string Name(int table, int number) => Names[table][number];

    internal void ReadKey(KeyFileReader reader)
    {
        (Decoded, Input, Ordinal) = (true, reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
        (Source, Stratum, TagCount) = (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
        if (TagCount > Tags.Length) Tags = new int[Math.Max(TagCount, 2 * Tags.Length)];
        for (var t = 0; t < TagCount; t++) Tags[t] = reader.Read7BitEncodedInt();
        (Yes, No, Draw) = (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.ReadUInt64());
        for (var m = 0; m < Tokens.Length; m++) Tokens[m] = reader.Read7BitEncodedInt64();
        ImagesWithoutSize = reader.Read7BitEncodedInt();
    }
}
