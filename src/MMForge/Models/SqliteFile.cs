using Microsoft.Data.Sqlite;

namespace MMForge.Models;

/// <summary>
/// Opens the SQLite files the engine keeps its state in (model cache, synthesis journal) the one
/// way they must be opened: the directory made, WAL so a killed process loses nothing committed
/// and readers do not block the writer, synchronous NORMAL (durable across a process crash,
/// which is what resuming needs), a busy timeout for several processes on one file, and a
/// clear error when the file is not a database.
/// </summary>
public static class SqliteFile
{
    /// <param name="schema">Statements creating the tables if they are missing.</param>
    /// <param name="what">What the file is, for the error ("model cache").</param>
    /// <exception cref="InvalidDataException">The file exists but is no SQLite database, or cannot be written.</exception>
    public static SqliteConnection Open(string path, string schema, string what)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA busy_timeout = 30000;
                """ + schema;
            command.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"{what} {path} cannot be opened as an SQLite database: {e.Message}", e);
        }
    }
}
