using MMForge.Bench;

// mmforge benchmarks: MMForge.Bench NAME [options]. Figures are ratios against baselines measured
// in the same run, because these machines are noisy.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(IBenchmark)))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();
var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (chosen is null)
{
    Console.Error.WriteLine("usage: MMForge.Bench NAME [options]\n" + string.Join('\n', benchmarks.Select(b => "  " + b.Usage)));
    return 2;
}
return chosen.Run(new BenchArgs(args[1..]));
