using Microsoft.Data.Sqlite;
using MMForge.Models;

namespace MMForge.Synthesis.Journal;

/// <summary>
/// The synthesis stage's memory across crashes, in one SQLite file (WAL, so a killed process
/// loses nothing committed): the result of every finished step per image, each finished
/// image's result, and why an image last failed. Written under a fingerprint of the generator's
/// configuration; opened under another one, it starts empty (the request cache still answers
/// every request made before). One connection behind a lock serves every thread.
/// </summary>
public sealed class SynthesisJournal : IDisposable
{
    private readonly Lock gate = new();
    private readonly SqliteConnection connection;
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
    private SqliteTransaction? transactionInProgress;

    /// <param name="fingerprint">What decides the results (<see cref="ISampleGenerator.Fingerprint"/>).</param>
    /// <param name="log">Told when a journal of another configuration is cleared.</param>
    public SynthesisJournal(string path, string fingerprint, Action<string>? log = null)
    {
        Path = path;
        connection = SqliteFile.Open(path, """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS steps (image TEXT NOT NULL, step TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (image, step)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS images (image TEXT PRIMARY KEY, result TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS failures (image TEXT PRIMARY KEY, reason TEXT NOT NULL) WITHOUT ROWID;
            """, "synthesis journal");
        var written = Query("SELECT value FROM meta WHERE key = 'fingerprint'");
        if (written == fingerprint) return;
        if (written is not null)
            log?.Invoke($"journal {path} was written by another synthesis configuration; starting it afresh (answered requests still come from the model cache)");
        Execute("DELETE FROM steps; DELETE FROM images; DELETE FROM failures;");
        Write("INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', $a)", fingerprint);
    }

    public string Path { get; }

    /// <summary>Every finished step of the image, by name (one query where a run would otherwise ask per step).</summary>
    public Dictionary<string, string> Steps(string image)
    {
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        lock (gate)
        {
            using var reader = Command("SELECT step, result FROM steps WHERE image = $a", [image]).ExecuteReader();
            while (reader.Read()) steps[reader.GetString(0)] = reader.GetString(1);
        }
        return steps;
    }

    public void PutStep(string image, string step, string result) =>
        Write("INSERT OR REPLACE INTO steps (image, step, result) VALUES ($a, $b, $c)", image, step, result);

    /// <summary>The finished image's result, or null when it is not finished.</summary>
    public ImageSynthesis? Finished(string image) =>
        Query("SELECT result FROM images WHERE image = $a", image) is { } json ? ImageSynthesis.FromJson(json) : null;

    public bool IsFinished(string image) => Query("SELECT 1 FROM images WHERE image = $a", image) is not null;

    /// <summary>Records the image as finished (clearing an earlier failure) and drops its step results, which it no longer needs.</summary>
    public void Finish(string image, ImageSynthesis result)
    {
        lock (gate)
        {
            using var transaction = transactionInProgress = connection.BeginTransaction();
            try
            {
                WriteLocked("INSERT OR REPLACE INTO images (image, result) VALUES ($a, $b)", image, result.ToJson());
                WriteLocked("DELETE FROM failures WHERE image = $a", image);
                WriteLocked("DELETE FROM steps WHERE image = $a", image);
                transaction.Commit();
            }
            finally
            {
                transactionInProgress = null;
            }
        }
    }

    /// <summary>Why the image could not be finished this time, under which rule (its finished steps stay for the next run).</summary>
    public void Fail(string image, string rule, string reason) =>
        Write("INSERT OR REPLACE INTO failures (image, reason) VALUES ($a, $b)", image, ImageSynthesis.Refused(rule, reason).ToJson());

    /// <summary>The image's last failure, or null.</summary>
    public DroppedCandidate? Failure(string image) =>
        Query("SELECT reason FROM failures WHERE image = $a", image) is { } json ? ImageSynthesis.FromJson(json).Dropped[0] : null;

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var command in commands.Values) command.Dispose();
            connection.Dispose();
        }
    }

    private string? Query(string sql, params string[] values)
    {
        lock (gate)
        {
            return Command(sql, values).ExecuteScalar() switch { string text => text, long number => number.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => null };
        }
    }

    private void Write(string sql, params string[] values)
    {
        lock (gate) WriteLocked(sql, values);
    }

    private void WriteLocked(string sql, params string[] values) => Command(sql, values).ExecuteNonQuery();

    /// <summary>
    /// The prepared command for <paramref name="sql"/> with <paramref name="values"/> bound to $a,
    /// $b, $c in order. Commands are prepared once and reused (under the lock): preparing one
    /// costs more than running it, and a run makes several per model request.
    /// </summary>
    private SqliteCommand Command(string sql, string[] values)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++) command.Parameters.Add("$" + (char)('a' + i), SqliteType.Text);
            command.Prepare();
            commands[sql] = command;
        }
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        command.Transaction = transactionInProgress; // a reused command must join the transaction open now, if any
        return command;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
