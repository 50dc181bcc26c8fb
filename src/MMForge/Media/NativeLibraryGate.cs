namespace MMForge.Media;

/// <summary>
/// Turns the runtime's DllNotFoundException into one message naming the Debian package; the
/// library is probed once by calling a cheap entry point.
/// </summary>
internal sealed class NativeLibraryGate(string library, string debianPackage, Action probe)
{
    private readonly Lazy<Exception?> _loadError = new(() =>
    {
        try { probe(); return null; }
        catch (DllNotFoundException e) { return e; }
        catch (EntryPointNotFoundException e) { return e; }
    });

    public void Ensure()
    {
        // A fresh exception per throw: a shared instance would have its stack trace rewritten by other threads.
        if (_loadError.Value is { } error) throw new NativeLibraryMissingException(library, debianPackage, error);
    }
}
