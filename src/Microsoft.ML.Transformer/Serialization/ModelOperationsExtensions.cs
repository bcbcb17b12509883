using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer;

/// <summary>Saving models without ever leaving a half-written file behind.</summary>
public static class ModelOperationsExtensions
{
    /// <summary>
    /// Saves like <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>, but writes to a
    /// temporary file in the same folder and renames it over <paramref name="filePath"/> only when the save has
    /// succeeded: a crash or an exception never leaves a truncated model, and an existing file stays intact.
    /// </summary>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string fullPath = Path.GetFullPath(filePath);
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                catalog.Save(model, inputSchema, stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
