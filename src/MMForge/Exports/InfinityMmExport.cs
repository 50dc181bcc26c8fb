namespace MMForge.Exports;

/// <summary>
/// Infinity-MM's released record (spec/METHOD.md section 2) as a JSON array per part, images
/// relative to the export root. No meta file: the release has none. Roles as its format checks
/// demand: human first, alternating, no system turn.
/// </summary>
public sealed class InfinityMmExport : TrainerFormat
{
    public override string Name => "infinity-mm";
    public override string Description => "Infinity-MM records: NAME.json (id, source, conversations, image, ram++_tags, phash, qw2vl_loss)";
    protected override string CodecName => "infinity-mm";
    protected override TurnShape Shape { get; } = new();

    public override string RecordsFile(string partName) => partName + ".json";
}

/// <summary>
/// Infinity-MM's release layout: WebDataset tar shards per part (NAME/000000.tar, 10,000 samples
/// each), every sample a <c>.json</c> Infinity-MM record and its images as <c>.jpg</c> members
/// (an empty one for a text-only sample). The images travel inside the shards.
/// </summary>
public sealed class InfinityMmWebDatasetExport : TrainerFormat
{
    public override string Name => "webdataset";
    public override string Description => "Infinity-MM WebDataset: NAME/000000.tar shards of .json record + .jpg image members";
    protected override string CodecName => "infinity-mm";
    protected override TurnShape Shape { get; } = new();
    public override bool EmbedsImages => true;

    public override string RecordsFile(string partName) => partName + "/" + Formats.Containers.TarShardWriter.ShardPlaceholder + ".tar";
}
