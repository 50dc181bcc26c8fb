using MMForge.FakeOpenAi;

namespace MMForge.Bench;

/// <summary>
/// Not a measurement: the fake VLM (<see cref="FakeVlm"/>) served on 127.0.0.1 in a process of its
/// own, so the synthesis benchmark measures its own CPU apart from the server's. Prints
/// <c>listening URL</c>, then serves until its standard input closes.
/// </summary>
public sealed class FakeVlmServerBench : IBenchmark
{
    public string Name => "fake-vlm-server";

    public string Usage => "fake-vlm-server [--latency-ms 0] [--jitter-percent 0]: serves the fake VLM for the synthesis benchmark (prints its URL, stops when stdin closes)";

    public int Run(BenchArgs args)
    {
        var latency = args.Int("--latency-ms", 0);
        var jitter = args.Int("--jitter-percent", 0) / 100.0;
        // A server that answered late would make the client look slow: keep threads ready for
        // hundreds of timers firing at once rather than let the pool grow by one every half second.
        ThreadPool.SetMinThreads(16, 16);
        var server = FakeOpenAiServer.StartAsync().GetAwaiter().GetResult();
        server.RecordRequests = false;
        // Latency uniform in latency x (1 +- jitter): the same mean, but replies no longer all come
        // back in the same millisecond as a fixed delay makes them (a real server's do not).
        var random = new Random(1);
        server.Responder = request =>
        {
            double spread;
            lock (random) spread = 1 + jitter * (2 * random.NextDouble() - 1);
            return FakeVlm.Answer(request) with { Delay = TimeSpan.FromMilliseconds(latency * spread) };
        };
        Console.WriteLine("listening " + server.BaseUrl);
        Console.In.ReadToEnd();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
