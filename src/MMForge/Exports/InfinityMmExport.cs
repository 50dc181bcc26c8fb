namespace MMForge.Exports;

/// <summary>
/// Infinity-MM's released record (spec/METHOD.md section 2) as a JSON array per part, images
/// relative to the export root. No meta file: the release has none. Roles as its format checks
/// demand: human first, alternating, no system turn.
/// </summary>
public sealed class InfinityMmExport() : TrainerFormat("infinity-mm", "infinity-mm = NAME.json of Infinity-MM records (id, source, conversations, image, ram++_tags, phash, qw2vl_loss)",
    "infinity-mm", new TurnShape(), ".json");

/// <summary>
/// Infinity-MM's release layout: WebDataset tar shards per part (NAME/000000.tar, 10,000 samples
/// each), every sample a <c>.json</c> Infinity-MM record and its images as <c>.jpg</c> members
/// (an empty one for a text-only sample). The images travel inside the shards.
/// </summary>
public sealed class InfinityMmWebDatasetExport() : TrainerFormat("webdataset", "webdataset = Infinity-MM's release layout, NAME/000000.tar... shards of .json record + .jpg image members",
    "infinity-mm", new TurnShape(), "/" + Formats.Containers.TarShardWriter.ShardPlaceholder + ".tar")
{
    public override bool EmbedsImages => true;
}
