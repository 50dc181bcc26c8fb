using System.Runtime.InteropServices;

namespace MMForge.Exports;

/// <summary>Hard links through libc's link(2), which .NET does not expose.</summary>
internal static partial class HardLink
{
    /// <summary>Links <paramref name="target"/> to <paramref name="source"/>; null on success, else the system's reason (EXDEV across filesystems, EPERM under protected_hardlinks...).</summary>
    public static string? TryCreate(string source, string target) =>
        link(source, target) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string oldPath, string newPath);
}
