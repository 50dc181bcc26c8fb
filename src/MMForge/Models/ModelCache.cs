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
    private SqliteCommand? select, insert;

    public ModelCache(string path)
    {
        Path = path;
        connection = SqliteFile.Open(path, """
            CREATE TABLE IF NOT EXISTS replies (
                key TEXT PRIMARY KEY,
                reply TEXT NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL
            ) WITHOUT ROWID;
            """, "model cache");
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
            select ??= Prepare("SELECT reply, prompt_tokens, completion_tokens FROM replies WHERE key = $key", ("$key", SqliteType.Text));
            select.Parameters[0].Value = key;
            using var reader = select.ExecuteReader();
            return reader.Read()
                ? new ModelReply(reader.GetString(0), new TokenUsage(reader.GetInt32(1), reader.GetInt32(2)), FromCache: true)
                : null;
        }
    }

    internal void Put(string key, ModelReply reply)
    {
        lock (gate)
        {
            insert ??= Prepare("""
                INSERT OR REPLACE INTO replies (key, reply, prompt_tokens, completion_tokens)
                VALUES ($key, $reply, $prompt, $completion)
                """, ("$key", SqliteType.Text), ("$reply", SqliteType.Text), ("$prompt", SqliteType.Integer), ("$completion", SqliteType.Integer));
            insert.Parameters[0].Value = key;
            insert.Parameters[1].Value = reply.Text;
            insert.Parameters[2].Value = reply.Usage.PromptTokens;
            insert.Parameters[3].Value = reply.Usage.CompletionTokens;
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>A command prepared once and reused under the lock: preparing costs more than running, and every model request runs one.</summary>
    private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }

    public void Dispose()
    {
        lock (gate)
        {
            select?.Dispose();
            insert?.Dispose();
            connection.Dispose();
        }
    }
}
