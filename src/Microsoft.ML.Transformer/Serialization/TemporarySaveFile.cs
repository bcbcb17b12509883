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
