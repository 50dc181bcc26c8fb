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

    public string Usage => "fake-vlm-server [--latency-ms 0]: serves the fake VLM for the synthesis benchmark (prints its URL, stops when stdin closes)";

    public int Run(BenchArgs args)
    {
        var latency = TimeSpan.FromMilliseconds(args.Int("--latency-ms", 0));
        var server = FakeOpenAiServer.StartAsync().GetAwaiter().GetResult();
        server.RecordRequests = false;
        server.Responder = request => FakeVlm.Answer(request) with { Delay = latency };
        Console.WriteLine("listening " + server.BaseUrl);
        Console.In.ReadToEnd();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
