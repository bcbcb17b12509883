namespace Microsoft.ML.Transformer.Compute;

/// <summary>The environment variables that switch off one of the library's CPU settings.</summary>
internal static class OptOut
{
    /// <summary>Whether <paramref name="variable"/> says no: 0, false, off or no (any case, spaces ignored).</summary>
    public static bool Says(string variable, Func<string, string?> environment)
        => environment(variable)?.Trim().ToLowerInvariant() is "0" or "false" or "off" or "no";
}
