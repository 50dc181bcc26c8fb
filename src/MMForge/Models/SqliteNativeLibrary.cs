using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MMForge.Models;

/// <summary>
/// Makes Microsoft.Data.Sqlite use the system SQLite (<c>libsqlite3.so.0</c>) on Linux instead of
/// the <c>libe_sqlite3.so</c> its package ships.
/// Why: libvips loads its openslide module, which loads the system SQLite into the global symbol
/// scope; <c>libe_sqlite3.so</c> exports the same names, so its calls bind half to itself and half to
/// the system copy, and its first allocation jumps through a never-initialized pointer (SIGSEGV in
/// <c>sqlite3Malloc</c> under <c>sqlite3_open_v2</c>, seen in the test suite once images had been
/// decoded). One SQLite per process removes the clash. Runs when this assembly loads, before any
/// connection can be opened.
/// </summary>
internal static class SqliteNativeLibrary
{
    private const string BundledName = "e_sqlite3";
    private const string SystemLibrary = "libsqlite3.so.0";

#pragma warning disable CA2255 // a module initializer is the only point guaranteed to precede every SQLite call in the process
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void UseSystemSqlite()
    {
        if (!OperatingSystem.IsLinux()) return;
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != BundledName) return 0;
        return NativeLibrary.TryLoad(SystemLibrary, out var handle)
            ? handle
            : throw new DllNotFoundException($"{SystemLibrary} (the system SQLite, used for caches) is missing: install the Debian package libsqlite3-0");
    }
}
