using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer;

/// <summary>Saving models without ever leaving a half-written file behind, and loading them with errors that say what is wrong.</summary>
public static class ModelOperationsExtensions
{
    /// <summary>
    /// Saves like <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>, but writes to a
    /// temporary file in the same folder and renames it over <paramref name="filePath"/> only when the save has
    /// succeeded: a crash or an exception never leaves a truncated model, and an existing file stays intact. Temporary
    /// files that an earlier save of the same target left behind when it was killed are deleted.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is a folder.</exception>
    /// <exception cref="ObjectDisposedException">The model, or one inside it, was disposed; nothing is written.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="filePath"/> does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        TemporarySaveFile.Write(TargetPath(filePath, "model.zip"), stream => catalog.Save(model, inputSchema, stream));
    }

    /// <summary>
    /// Loads like <see cref="ModelOperationsCatalog.Load(string, out DataViewSchema)"/>, which reaches each component's
    /// loader through reflection and so hides its errors inside <see cref="TargetInvocationException"/>s; this throws
    /// them as themselves: <see cref="ModelFormatException"/> for a corrupt, edited or newer file, the
    /// <see cref="IOException"/>s of reading it, <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is a folder.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ModelFormatException">The file is not a model this library can load; the message names the component and the problem.</exception>
    public static ITransformer LoadTransformer(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        string fullPath = FilePath(filePath, "model.zip");
        try
        {
            return catalog.Load(fullPath, out inputSchema);
        }
        catch (Exception e) when (Cause(e) != e)
        {
            ExceptionDispatchInfo.Throw(Cause(e));
            throw; // not reached
        }
    }

    /// <summary>The exception under the reflection layers: each <see cref="TargetInvocationException"/>, and ML.NET's
    /// own exception around one ("Error during class instantiation"), only carries the one inside.</summary>
    private static Exception Cause(Exception e)
    {
        while (e.InnerException is { } inner && (e is TargetInvocationException || inner is TargetInvocationException))
            e = inner;
        return e;
    }

    /// <summary>The full path of a model file to read; a folder is an error that says what to pass instead.</summary>
    internal static string FilePath(string filePath, string exampleName)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string fullPath = Path.GetFullPath(filePath);
        if (Directory.Exists(fullPath))
            throw new ArgumentException(
                $"'{fullPath}' is a folder, not a model file. Pass the path of the model's {Path.GetExtension(exampleName)} file, e.g. Path.Combine(folder, \"{exampleName}\").",
                nameof(filePath));
        return fullPath;
    }

    /// <summary>The full path of a model file to write: as <see cref="FilePath"/>, and its folder must exist.</summary>
    internal static string TargetPath(string filePath, string exampleName)
    {
        string fullPath = FilePath(filePath, exampleName);
        string folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': the folder '{folder}' does not exist.");
        return fullPath;
    }
}
