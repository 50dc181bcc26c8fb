using System.CommandLine;
using MMForge.Media;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge phash FILE|DIR...</c>: perceptual hashes equal to Python imagehash's, one line per image.</summary>
internal static class PhashCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Image files, or directories searched recursively for images.", Arity = ArgumentArity.OneOrMore };
        var kind = new Option<string>("--kind", "-k")
        {
            Description = "Hash to print: phash (default), dhash or ahash; each equals imagehash's with hash_size 8.",
            DefaultValueFactory = _ => "phash",
        }.AcceptOnlyFromAmong("phash", "dhash", "ahash");
        var fast = new Option<bool>("--fast") { Description = "Decode JPEGs reduced (DCT scaling): several times faster, pHash within a few bits of the exact value (at most 2 on the reference images)." };
        var workers = new Option<int>("--workers", "-j") { Description = "Images hashed in parallel (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("phash", "Print '<16 hex digits><TAB><path>' for each image, like the imagehash tools; unreadable images are reported on stderr with the reason.")
        {
            paths, kind, fast, workers,
        };
        command.SetAction(p =>
        {
            var hashKind = Enum.Parse<HashKind>(p.GetValue(kind)!, ignoreCase: true);
            var failed = 0;
            OrderedParallel.Run(ImageFileHasher.Expand(p.GetValue(paths)!), batchSize: 8, p.GetValue(workers),
                file => ImageFileHasher.Hash(file, hashKind, fast: p.GetValue(fast)), results =>
                {
                    foreach (var r in results)
                    {
                        if (r.Hash is { } hash) Console.Out.WriteLine($"{ImageHashes.Hex(hash)}\t{r.Path}");
                        else { failed++; Console.Error.WriteLine($"error: {r.Path}: {r.Error}"); }
                    }
                });
            return failed > 0 ? Program.Rejected : Program.Ok;
        });
        return command;
    }
}
