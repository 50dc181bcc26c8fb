using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats;

/// <summary>
/// One external record format: how a single JSON record maps to a <see cref="Sample"/> and back.
/// Codecs know nothing of files; containers (JSON array, JSON Lines, tar) cut records out and
/// the pipeline handles paths, provenance and rejects.
/// </summary>
public interface IRecordCodec
{
    /// <summary>The name used with <c>--format</c> and <c>--to</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c> and docs.</summary>
    string Description { get; }

    /// <summary>
    /// How strongly a record looks like this format: 0 = not at all; higher wins detection.
    /// Looks at keys only, so it is cheap and never throws.
    /// </summary>
    int Match(JsonElement record);

    /// <summary>Reads one record. Throws <see cref="RecordException"/> naming the field when the record does not fit the format.</summary>
    Sample Decode(JsonElement record);

    /// <summary>Writes one sample as a JSON object. Images with only embedded bytes have been given paths by the caller unless <see cref="EmbedsImages"/>.</summary>
    void Encode(Utf8JsonWriter writer, Sample sample);

    /// <summary>
    /// Why a sample cannot be written in this format without losing what it is made of, or null.
    /// Dialogue formats need turns: a caption-only or annotation-only sample would be written
    /// as an empty conversation, so it is rejected with this reason instead.
    /// </summary>
    string? CannotWrite(Sample sample) =>
        sample.Turns.Count == 0 ? $"the sample has no conversation, and the {Name} format holds only conversations" : null;

    /// <summary>True when the format can carry image bytes inside the record (otherwise writers save them as files).</summary>
    bool EmbedsImages => false;
}
