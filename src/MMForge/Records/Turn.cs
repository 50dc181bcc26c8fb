namespace MMForge.Records;

/// <summary>One dialogue turn. Roles are normalised to <see cref="Roles"/>; unknown roles are kept as written.</summary>
public sealed class Turn
{
    public Turn(string role, string value)
    {
        Role = role;
        Value = value;
    }

    public string Role { get; set; }
    public string Value { get; set; }

    /// <summary>Unknown keys of the turn object (for example per-turn loss weights), kept verbatim.</summary>
    public ExtraFields? Extra { get; set; }
}

/// <summary>The canonical role names (LLaVA / Infinity-MM spelling) and the aliases other formats use.</summary>
public static class Roles
{
    public const string System = "system";
    public const string Human = "human";
    public const string Gpt = "gpt";

    /// <summary>Maps a role as written by any supported format to the canonical name, or returns it unchanged.</summary>
    public static string Normalize(string role) => role switch
    {
        "human" or "user" => Human,
        "gpt" or "assistant" or "bot" or "model" => Gpt,
        "system" => System,
        _ => role,
    };

    /// <summary>The OpenAI / LLaMA-Factory "messages" spelling of a canonical role.</summary>
    public static string ToChatRole(string role) => role switch
    {
        Human => "user",
        Gpt => "assistant",
        _ => role,
    };
}
