using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// The hidden file <c>SaveAtomically</c> writes before renaming it over its target: <c>.&lt;file name&gt;.&lt;32 hex
/// digits&gt;.tmp</c> in the target's folder. A save killed halfway (kill -9, power loss) leaves it behind, so each save
/// first deletes the abandoned ones of its own target.
/// </summary>
internal static class TemporarySaveFile
{
    /// <summary>Untouched for this long, a file is no longer being written: a live save writes its file within seconds.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Writes <paramref name="target"/> (a full path) through <paramref name="write"/> into a new temporary file of the
    /// same folder, flushed to disk, then renamed over the target: a crash or an exception never leaves a truncated
    /// file, and an existing target stays intact. Abandoned temporary files of the same target are deleted first.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written; nothing is written.</exception>
    public static void Write(string target, Action<Stream> write)
    {
        DeleteAbandoned(target);
        string temporary = NewPath(target);
        try
        {
            // Exclusive while written, so another save's clean-up can tell this file is alive.
            using (var stream = Create(temporary, target))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static FileStream Create(string temporary, string target)
    {
        try
        {
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot write '{target}': its folder '{Path.GetDirectoryName(target)}' is not writable.", e);
        }
    }

    public static string NewPath(string target)
        => Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes the temporary files of <paramref name="target"/> that are abandoned: exactly our naming for this target,
    /// last written more than <see cref="AbandonedAfter"/> ago, and openable exclusively. A live save holds its file
    /// open exclusively (<see cref="FileShare.None"/>, a lock the system drops when the writer dies), so even a slow one
    /// is skipped. Best effort: nothing here fails a save.
    /// </summary>
    public static void DeleteAbandoned(string target)
    {
        string folder = Path.GetDirectoryName(target)!, name = Path.GetFileName(target);
        var ours = new Regex($"^\\.{Regex.Escape(name)}\\.[0-9a-f]{{32}}\\.tmp$", RegexOptions.CultureInvariant);
        try
        {
            var hiddenToo = new EnumerationOptions { AttributesToSkip = 0, MatchType = MatchType.Simple };
            foreach (string file in Directory.EnumerateFiles(folder, $".{name}.*.tmp", hiddenToo))
                if (ours.IsMatch(Path.GetFileName(file)) && DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > AbandonedAfter)
                    DeleteIfNoOneHoldsIt(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable folder: the save itself reports what matters.
        }
    }

    private static void DeleteIfNoOneHoldsIt(string file)
    {
        try
        {
            // Exclusive open and delete in one step, so no writer can take the file between the check and the delete.
            using var exclusive = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Held by a live save, or not ours to delete.
        }
    }
}
