using System.Collections.Concurrent;
using MMForge.Formats;

namespace MMForge.Exports;

/// <summary>
/// Runs one action per key, once, however many threads ask at the same moment: the first to claim
/// a key runs its action, and the others wait for it instead of running theirs. An action that
/// fails on its caller's input (a <see cref="RecordException"/>: its image could not be read)
/// frees the key: its caller gets the failure, and a caller that was waiting runs its own action,
/// as the next caller would have. Any other failure reaches every caller of the key.
/// </summary>
internal sealed class OncePerKey
{
    private readonly ConcurrentDictionary<string, Lazy<bool>> _claims = new(StringComparer.Ordinal);

    public void Run(string key, Action action)
    {
        while (true)
        {
            if (!_claims.TryGetValue(key, out var claim))
            {
                // Lazy runs the action on one thread; the others asking for its value wait, then get its result or its exception
                var mine = new Lazy<bool>(() => { action(); return true; }, LazyThreadSafetyMode.ExecutionAndPublication);
                claim = _claims.GetOrAdd(key, mine);
                if (claim == mine)
                {
                    try { _ = claim.Value; }
                    catch (RecordException)
                    {
                        _claims.TryRemove(KeyValuePair.Create(key, claim));
                        throw;
                    }
                    return;
                }
            }
            try
            {
                _ = claim.Value;
                return;
            }
            catch (RecordException)
            {
                _claims.TryRemove(KeyValuePair.Create(key, claim)); // another caller's input failed: try with ours
            }
        }
    }
}
