using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats.Codecs;

/// <summary>
/// A LLaVA-shaped codec with fields that only make sense together with others (a width with
/// the image it measures, tag scores with their tags). JSON does not fix key order, so such
/// fields are left in <see cref="Sample.Extra"/> by <see cref="LlavaCodec.DecodeField"/> and
/// resolved here once the whole record has been read; whatever cannot be resolved stays extra,
/// in its original position.
/// </summary>
public abstract class CrossFieldLlavaCodec : LlavaCodec, IRecordCodec
{
    // LlavaCodec.Decode is not virtual, so this class re-implements IRecordCodec to run the
    // cross-field pass after it; every caller reaches codecs through IRecordCodec.
    public new Sample Decode(JsonElement record)
    {
        var sample = base.Decode(record);
        ResolveCrossFields(record, sample);
        return sample;
    }

    /// <summary>Moves fields that depend on each other from <see cref="Sample.Extra"/> into the unified slots.</summary>
    protected abstract void ResolveCrossFields(JsonElement record, Sample sample);
}
