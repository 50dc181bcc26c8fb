using System.Runtime.InteropServices;

namespace MMForge.Dedup;

/// <summary>
/// A key shard's MinHash signatures in a file of their own (<c>signatures.bin</c> beside its
/// <see cref="KeyShardFile"/>) when near text is searched across sources: fixed width, in the
/// shard's input order, so a reduce step reads the two samples of a candidate pair through a
/// memory map, and the decide step reads them back as it files the keys by group.
/// </summary>
internal static class ShardSignatures
{
    public const string FileName = "signatures.bin";

    /// <summary>Appends signatures in the shard's input order (the caller keeps the arrays).</summary>
    public sealed class Writer(string path, int permutations) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);

        public void Add(uint[] signature) => _stream.Write(MemoryMarshal.AsBytes(signature.AsSpan(0, permutations)));

        public void Dispose() => _stream.Dispose();
    }

    /// <summary>Every shard's signatures mapped, looked up by the sample's ordinal in the whole input.</summary>
    public sealed class Lookup : IDisposable
    {
        private readonly List<(FileStream Stream, MappedRecords<uint>? Records)> _shards = [];
        private readonly long[] _firsts;

        /// <param name="keyFiles">Every shard's key file, in shard order (the signatures lie beside them).</param>
        /// <param name="shardSamples">How many samples each shard keyed.</param>
        public Lookup(IReadOnlyList<string> keyFiles, IReadOnlyList<long> shardSamples, int permutations)
        {
            _firsts = new long[keyFiles.Count];
            try
            {
                for (var shard = 0; shard < keyFiles.Count; shard++)
                {
                    _firsts[shard] = shard == 0 ? 0 : _firsts[shard - 1] + shardSamples[shard - 1];
                    var path = KeyShards.Beside(keyFiles[shard], FileName);
                    var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                    _shards.Add((stream, stream.Length > 0 ? new MappedRecords<uint>(stream, permutations) : null));
                    if (stream.Length != shardSamples[shard] * permutations * sizeof(uint))
                        throw new InvalidDataException($"{path} holds {stream.Length:N0} bytes, not the signatures of the shard's {shardSamples[shard]:N0} samples; write the shard's keys again");
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public ReadOnlySpan<uint> this[int ordinal]
        {
            get
            {
                var shard = Array.BinarySearch(_firsts, (long)ordinal);
                // the first shard starting after the ordinal, less one; empty shards share their start with the next
                if (shard < 0) shard = ~shard - 1;
                while (shard + 1 < _firsts.Length && _firsts[shard + 1] == ordinal) shard++;
                return _shards[shard].Records![(int)(ordinal - _firsts[shard])];
            }
        }

        public void Dispose()
        {
            foreach (var (stream, records) in _shards)
            {
                records?.Dispose();
                stream.Dispose();
            }
        }
    }
}
