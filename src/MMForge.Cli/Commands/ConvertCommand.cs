using System.CommandLine;
using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Pipeline;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge convert IN -o OUT --to FORMAT</c>: rewrite a dataset or file in the format a trainer reads.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Dataset directory or files in any supported format.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output file: .json writes a JSON array, .jsonl (or .jsonl.gz) JSON Lines, .tar WebDataset shards.", Required = true };
        var to = new Option<string>("--to", "-t") { Description = "Output format: " + string.Join(", ", FormatRegistry.Default.Codecs.Select(c => c.Name)) + " (and the document formats listed by 'mmforge formats').", Required = true };
        var validate = new Option<bool>("--validate") { Description = "Also apply the validation rules while converting." };
        var imagePaths = new Option<string>("--image-paths")
        {
            Description = "How image paths are written: root (relative to the image root: give your trainer that folder), absolute, relative (to the output file's folder), or auto (root when all inputs share one image root, else absolute).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "root", "absolute", "relative");
        var command = new Command("convert", "Convert a dataset directory or data files to another format; unreadable records go to OUTPUT.rejects.jsonl.")
        {
            inputs, output, to, imagePaths, shared.Format, shared.ImageRoot, shared.BaseDir, shared.Map, validate, shared.Enable, shared.Disable, shared.Workers, shared.MaxRecordBytes,
        };
        command.SetAction(p =>
        {
            var sources = SharedOptions.Open(p.GetValue(inputs)!.Select(i => shared.Request(p, i)));
            var path = p.GetValue(output)!;
            var format = p.GetValue(to)!;
            var style = p.GetValue(imagePaths) switch
            {
                "root" => ImagePathStyle.Root,
                "absolute" => ImagePathStyle.Absolute,
                "relative" => ImagePathStyle.RelativeToOutput,
                _ => ImagePathExport.Auto(sources.SelectMany(ImageRootsOf)),
            };
            var options = new JobOptions
            {
                Stage = "convert",
                ExportPaths = new ImagePathExport(style, path),
                Rules = p.GetValue(validate) ? shared.Rules(p) : null,
                Workers = p.GetValue(shared.Workers),
                PathMappings = shared.Mappings(p),
                Params = new JsonObject { ["to"] = format, ["output"] = path, ["image_paths"] = style.ToString() },
            };
            using var fileOutput = new FileOutput(path, SampleWriters.Open(path, format, FormatRegistry.Default));
            var code = JobRunner.Run(options, sources, fileOutput, path, fileOutput.RejectsPath);
            if (style == ImagePathStyle.Root && sources.SelectMany(ImageRootsOf).FirstOrDefault() is { } root)
                Console.Out.WriteLine($"  image paths are relative to {root}: give your trainer that folder");
            return code;
        });
        return command;
    }

    /// <summary>The image root directories a source's records use.</summary>
    private static IEnumerable<string> ImageRootsOf(OpenedSource source) =>
        source.DatasetManifest is { } manifest ? manifest.ImageRoots.Values
        : source.ImageRoot is { } root ? [Path.GetFullPath(root)] : [];
}
