namespace MMForge.Media.VisualTokens;

/// <summary>
/// Python's float semantics where the reference implementations (InternVL, LLaVA-OneVision)
/// depend on them: a token count computed with C#'s usual floor or rounding could differ from
/// the trainer's by a row on some image sizes.
/// </summary>
internal static class PythonMath
{
    /// <summary>Python's <c>a // b</c> for floats, as CPython computes it: fmod, then correct the quotient.</summary>
    public static double FloorDiv(double a, double b)
    {
        var mod = a % b; // C fmod: the remainder takes the sign of a
        var div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1.0;
        if (div == 0) return Math.CopySign(0.0, a / b);
        var floor = Math.Floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }

    /// <summary>Python's <c>int(x)</c> for a float: truncation toward zero.</summary>
    public static int Int(double x) => (int)Math.Truncate(x);
}
