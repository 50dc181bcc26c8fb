using System.Text.RegularExpressions;
using MMForge.Formats.Writers;
using MMForge.Pipeline;

namespace MMForge.Exports.Shards;

/// <summary>
/// The shards of an export run with <c>--shard INDEX/COUNT</c> (<see cref="ExportJob.RunShard"/>)
/// and their merge into the export one process writes, byte for byte: each part's records files
/// joined in shard order (<see cref="JsonRecordsWriter.Join"/>), rejects likewise, each stored
/// image taken once (names are their content, so a file two shards stored is the same file), the
/// image counts made what one process counts, then the meta files and <c>export.json</c>.
/// </summary>
public static partial class ExportShards
{
    /// <summary>The shard's stored images, "WAY NAME" per line in name order, WAY the letter of its <see cref="StoredImageWay"/> in <see cref="WayLetters"/>.</summary>
    private const string ImagesFile = "images.tsv";

    /// <summary>Each <see cref="StoredImageWay"/>'s letter, in the order of its values: copied, linked, copied for a failed link.</summary>
    private const string WayLetters = "clf";

    public static bool IsComplete(string shardDir) => File.Exists(Path.Combine(shardDir, ExportShardInfo.FileName));

    public static bool IsCompleteWith(string shardDir, ExportShardInfo options) =>
        IsComplete(shardDir) && ExportShardInfo.Load(shardDir).SameOptions(options);

    /// <summary>Whether <paramref name="outDir"/> holds export shards (rather than a dataset's).</summary>
    public static bool HasShards(string outDir) =>
        ShardFolders.Found(Path.Combine(outDir, ShardSpec.Folder)).Any(f => f.Writer is null && IsComplete(f.Dir));

    /// <summary>Finishes a shard's folder: its image index, then <see cref="ExportShardInfo"/>, which marks it complete.</summary>
    internal static void WriteShard(string shardDir, ExportShardInfo info, IReadOnlyDictionary<string, StoredImageWay> storedImages)
    {
        AtomicFile.WriteAllText(Path.Combine(shardDir, ImagesFile), string.Concat(storedImages
            .OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{WayLetters[(int)i.Value]}\t{i.Key}\n")));
        AtomicFile.WriteAllText(Path.Combine(shardDir, ExportShardInfo.FileName), info.ToJson());
    }

    /// <summary>Joins every shard of <paramref name="outDir"/> into the export there; refused until all are complete and agree on the options.</summary>
    public static ExportResult Merge(string outDir)
    {
        var target = Path.GetFullPath(outDir);
        var shards = ShardFolders.Complete(Path.Combine(target, ShardSpec.Folder), IsComplete, "export");
        var infos = shards.Select(ExportShardInfo.Load).ToList();
        if (infos.Any(i => !i.SameOptions(infos[0])))
            throw new ArgumentException($"{outDir}: its shards were exported with different options; run every shard again with the same ones");
        var temp = DirectorySwap.PrepareTemp(target);
        try
        {
            var manifest = new ExportManifest { Format = infos[0].Format, Images = infos[0].Images };
            for (var part = 0; part < infos[0].Parts.Count; part++) manifest.Parts.Add(JoinPart(temp, shards, infos, part));
            manifest.ImageCounts = JoinImages(temp, shards, infos);
            ExportJob.Finish(TrainerFormat.Find(infos[0].Format), infos[0].AbsoluteMetaPaths, manifest, temp, target);
            var fallback = infos.Select(i => i.LinkFallbackReason).OfType<string>().Order(StringComparer.Ordinal).FirstOrDefault();
            return new ExportResult(target, manifest, fallback);
        }
        catch
        {
            DirectorySwap.Abandon(temp);
            throw;
        }
    }

    private static ExportedPartInfo JoinPart(string temp, List<string> shards, List<ExportShardInfo> infos, int number)
    {
        var first = infos[0].Parts[number];
        var joined = new ExportedPartInfo { Name = first.Name, Input = first.Input, RecordsFile = first.RecordsFile };
        JsonRecordsWriter.Join(shards.Select(dir => Path.Combine(dir, first.RecordsFile)).ToList(), Path.Combine(temp, first.RecordsFile));
        var rejects = new List<string>();
        for (var s = 0; s < shards.Count; s++)
        {
            var own = infos[s].Parts[number];
            joined.Records += own.Records;
            joined.Rejected += own.Rejected;
            foreach (var (rule, count) in own.RejectedByRule) joined.RejectedByRule[rule] = joined.RejectedByRule.GetValueOrDefault(rule) + count;
            if (own.RejectsFile is { } file) rejects.Add(Path.Combine(shards[s], file));
        }
        if (joined.Rejected > 0)
        {
            joined.RejectsFile = $"{ExportJob.RejectsFolder}/{first.Name}.jsonl";
            AtomicFile.Concatenate(Path.Combine(temp, joined.RejectsFile), rejects);
        }
        return joined;
    }

    /// <summary>
    /// Links each shard's stored images into the export, each name once, and counts as one process
    /// does: a file per content written (copied or linked, as the first shard to store it did),
    /// every other stored reference served by a file already there.
    /// </summary>
    private static ImageCounts JoinImages(string temp, List<string> shards, List<ExportShardInfo> infos)
    {
        var counts = new ImageCounts();
        long storedReferences = 0;
        for (var s = 0; s < shards.Count; s++)
        {
            var own = infos[s].ImageCounts;
            storedReferences += own.Copied + own.Linked + own.Deduplicated;
            counts.Referenced += own.Referenced;
            counts.Embedded += own.Embedded;
            foreach (var line in File.ReadLines(Path.Combine(shards[s], ImagesFile)))
            {
                var (way, name) = ParseLine(line, shards[s]);
                var final = Path.Combine(temp, name);
                if (File.Exists(final)) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(final)!);
                var stored = Path.Combine(shards[s], name);
                if (HardLink.TryCreate(stored, final) is not null) File.Copy(stored, final);
                if (way == StoredImageWay.Linked) counts.Linked++;
                else counts.Copied++;
                if (way == StoredImageWay.CopiedForLink) counts.LinkFallbacks++;
            }
        }
        counts.Deduplicated = storedReferences - counts.Copied - counts.Linked;
        return counts;
    }

    /// <summary>A line of the image index; its name must be one the image store makes, so nothing outside the shard is read or written.</summary>
    private static (StoredImageWay Way, string Name) ParseLine(string line, string shardDir)
    {
        var way = line.Length > 2 && line[1] == '\t' ? WayLetters.IndexOf(line[0]) : -1;
        if (way < 0 || !StoredName().IsMatch(line.AsSpan(2)))
            throw new FormatException($"{Path.Combine(shardDir, ImagesFile)}: '{line}' is not an image index line; run the shard again");
        return ((StoredImageWay)way, line[2..]);
    }

    [GeneratedRegex(@"^images/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]{1,5}$")]
    private static partial Regex StoredName();
}
