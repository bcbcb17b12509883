namespace Microsoft.ML.Transformer;

/// <summary>
/// A saved model (or one component inside an ML.NET model zip) is corrupt, truncated, from a newer library version,
/// or does not match what the loading code expects. The message names the component, entry or tensor at fault.
/// </summary>
public sealed class ModelFormatException : FormatException
{
    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Runs <paramref name="validate"/> on saved settings; the <see cref="ArgumentException"/> it throws becomes
    /// this exception, "<paramref name="where"/>: the saved <paramref name="what"/> are invalid (…)".</summary>
    internal static void ThrowIfInvalid(string where, string what, Action validate)
        => ThrowIfInvalid(where, what, () => { validate(); return true; });

    /// <summary>Builds something from saved settings (a transformer's constructors check their arguments); the
    /// <see cref="ArgumentException"/> it throws becomes this exception, as above.</summary>
    internal static T ThrowIfInvalid<T>(string where, string what, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{where}: {what} are invalid ({e.Message}).", e);
        }
    }
}
