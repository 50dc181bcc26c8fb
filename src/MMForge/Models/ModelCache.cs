using Microsoft.Data.Sqlite;

namespace MMForge.Models;

/// <summary>
/// Answered requests in an SQLite file, so a rerun (or a resumed crash) never pays for a request
/// twice. Keyed by <see cref="RequestKey"/>; holds the reply text and its token usage, nothing
/// about endpoints or keys. Safe for many threads (one connection behind a lock) and for several
/// processes sharing the file (WAL journal, busy timeout).
/// </summary>
public sealed class ModelCache : IDisposable
{
    private readonly Lock gate = new();
    private readonly SqliteConnection connection;

    public ModelCache(string path)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA busy_timeout = 30000;
                CREATE TABLE IF NOT EXISTS replies (
                    key TEXT PRIMARY KEY,
                    reply TEXT NOT NULL,
                    prompt_tokens INTEGER NOT NULL,
                    completion_tokens INTEGER NOT NULL
                ) WITHOUT ROWID;
                """);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"model cache {path} cannot be opened as an SQLite database: {e.Message}", e);
        }
    }

    public string Path { get; }

    /// <summary>Replies stored so far.</summary>
    public long Count
    {
        get
        {
            lock (gate)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM replies";
                return (long)command.ExecuteScalar()!;
            }
        }
    }

    internal ModelReply? TryGet(string key)
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT reply, prompt_tokens, completion_tokens FROM replies WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new ModelReply(reader.GetString(0), new TokenUsage(reader.GetInt32(1), reader.GetInt32(2)), FromCache: true)
                : null;
        }
    }

    internal void Put(string key, ModelReply reply)
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT OR REPLACE INTO replies (key, reply, prompt_tokens, completion_tokens)
                VALUES ($key, $reply, $prompt, $completion)
                """;
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$reply", reply.Text);
            command.Parameters.AddWithValue("$prompt", reply.Usage.PromptTokens);
            command.Parameters.AddWithValue("$completion", reply.Usage.CompletionTokens);
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (gate) connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
