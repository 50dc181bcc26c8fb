using System.Globalization;

namespace MMForge.Bench;

/// <summary>The options after the benchmark's name: <c>--name value</c> pairs.</summary>
public sealed class BenchArgs(IReadOnlyList<string> args)
{
    public int Int(string name, int fallback) =>
        Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => Value(name) ?? fallback;

    /// <summary>The value of an option that has no fixed default, or null when it is not given.</summary>
    public string? Optional(string name) => Value(name);

    /// <summary>The working directory for generated inputs: <c>--dir</c>, or a temp folder named after the benchmark.</summary>
    public string WorkDir(string benchmark)
    {
        var dir = Value("--dir") ?? Path.Combine(Path.GetTempPath(), "mmforge-bench", benchmark);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// The shared folder (samples, spec, vocabularies) beside the repository this benchmark was
    /// built in, or the directory given with <paramref name="option"/>.
    /// </summary>
    public string Shared(string option, params string[] under) =>
        Value(option) ?? Path.GetFullPath(Path.Combine([Repository(), "..", "shared", .. under]));

    /// <summary>The root of the repository this benchmark was built in (where mmforge.slnx is).</summary>
    public static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "mmforge.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no mmforge.slnx above {AppContext.BaseDirectory}");
    }

    private string? Value(string name) =>
        args.ToList().IndexOf(name) is var i and >= 0 && i + 1 < args.Count ? args[i + 1] : null;
}
