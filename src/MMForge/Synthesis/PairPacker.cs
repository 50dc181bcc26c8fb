using System.Text.Json.Nodes;
using MMForge.Records;

namespace MMForge.Synthesis;

/// <summary>
/// Packs the accepted pairs of one image into multi-turn samples, at most
/// <c>maxPairs</c> pairs each, in the order the generator gave them, as Infinity-MM merged
/// its QA pairs per image. Each new sample keeps the image and what describes it (tags,
/// annotations, visual tokens) but nothing of the old conversation (its instruction types,
/// scores and unknown fields described other turns), and records in <c>extra.synthesis</c>
/// the generator, its provenance and every pair's kind and judgement.
/// </summary>
public static class PairPacker
{
    public const string InstructionTagBy = "synthesis";

    public static List<Sample> Pack(Sample image, IReadOnlyList<SynthesizedPair> pairs, int maxPairs, string generator, JsonObject provenance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPairs, 1);
        var samples = new List<Sample>();
        foreach (var chunk in pairs.Chunk(maxPairs))
        {
            var number = samples.Count + 1;
            samples.Add(NewSample(image, chunk, $"{image.Id}#{generator}{(number > 1 ? "-" + number : "")}", generator, provenance));
        }
        return samples;
    }

    private static Sample NewSample(Sample image, SynthesizedPair[] pairs, string id, string generator, JsonObject provenance)
    {
        var sample = new Sample { Id = id, Source = image.Source, Annotations = image.Annotations };
        sample.Images.AddRange(image.Images.Select(i => i.Copy()));
        sample.ImageTags.AddRange(image.ImageTags);
        foreach (var (model, tokens) in image.VisualTokens) sample.VisualTokens[model] = tokens;
        (sample.Provenance.File, sample.Provenance.Line, sample.Provenance.Member) = (image.Provenance.File, image.Provenance.Line, image.Provenance.Member);
        sample.Provenance.Stages.AddRange(image.Provenance.Stages);

        for (var i = 0; i < pairs.Length; i++)
        {
            var placeholder = i == 0 && image.Images.Count > 0 ? string.Concat(Enumerable.Repeat(Sample.ImageToken + "\n", image.Images.Count)) : "";
            sample.Turns.Add(new Turn(Roles.Human, placeholder + pairs[i].Question));
            sample.Turns.Add(new Turn(Roles.Gpt, pairs[i].Answer));
        }
        foreach (var type in pairs.Select(p => p.InstructionType).OfType<string>().Distinct(StringComparer.Ordinal))
            sample.InstructionTags.Add(new InstructionTag(type, null, InstructionTagBy));

        var record = new JsonObject { ["generator"] = generator };
        foreach (var (key, value) in provenance) record[key] = value?.DeepClone();
        record["pairs"] = new JsonArray([.. pairs.Select(Describe)]);
        sample.Extra.Set("synthesis", record.ToJsonString());
        return sample;
    }

    private static JsonNode Describe(SynthesizedPair pair)
    {
        var described = new JsonObject { ["kind"] = pair.Kind };
        if (pair.InstructionType is { } type) described["type"] = type;
        foreach (var (key, value) in pair.Details ?? []) described[key] = value?.DeepClone();
        return described;
    }
}
