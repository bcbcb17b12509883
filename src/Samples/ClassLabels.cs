namespace Samples;

/// <summary>
/// The classes of the training labels, and whether the task is binary: exactly two distinct labels (compared as
/// written, ordinally). A binary task maps its labels to Boolean: the label that is <c>1</c>, <c>true</c> or
/// <c>positive</c> (case-insensitive) when exactly one of the two is, otherwise the one that sorts second ordinally
/// (<c>neg</c>/<c>pos</c>: <c>pos</c>; <c>no</c>/<c>yes</c>: <c>yes</c>), is true. More labels: multiclass, classes in
/// ordinal order (as <c>MapValueToKey</c> with <c>KeyOrdinality.ByValue</c> numbers them).
/// </summary>
internal sealed class ClassLabels
{
    private static readonly string[] TrueWords = ["1", "true", "positive"];

    private ClassLabels(string[] classes, string? trueLabel) => (Classes, TrueLabel) = (classes, trueLabel);

    /// <summary>The distinct training labels, ordinal order.</summary>
    public string[] Classes { get; }

    /// <summary>The label mapped to true; null for multiclass.</summary>
    public string? TrueLabel { get; }

    public bool IsBinary => TrueLabel is not null;

    /// <summary>The label mapped to false; null for multiclass.</summary>
    public string? FalseLabel => IsBinary ? Classes.Single(c => c != TrueLabel) : null;

    public static ClassLabels Detect(IEnumerable<string> trainingLabels)
    {
        string[] classes = [.. trainingLabels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (classes.Length < 2)
            throw new InvalidDataException($"the training data needs at least two distinct labels, found {classes.Length}" +
                                           (classes.Length == 1 ? $" ('{classes[0]}')." : "."));
        if (classes.Length > 2) return new ClassLabels(classes, null);
        string[] trueWords = [.. classes.Where(c => TrueWords.Contains(c.Trim(), StringComparer.OrdinalIgnoreCase))];
        return new ClassLabels(classes, trueWords.Length == 1 ? trueWords[0] : classes[1]);
    }

    /// <summary>The Boolean label of a binary task.</summary>
    public bool IsTrue(string label) => label == TrueLabel;

    /// <summary>Throws, naming the first label of <paramref name="rows"/> that is not a training class (its row and how
    /// many rows have labels unseen in training): such rows could not be scored against their label.</summary>
    public void CheckKnown(IReadOnlyList<LabeledText> rows, string source)
    {
        var known = new HashSet<string>(Classes, StringComparer.Ordinal);
        int first = -1, unknown = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            if (known.Contains(rows[i].Label)) continue;
            if (unknown++ == 0) first = i;
        }
        if (unknown > 0)
            throw new InvalidDataException($"{source}: row {first + 1} has the label '{rows[first].Label}', which the training data does not have " +
                                           $"({unknown} row(s) with unseen labels; training classes: {string.Join(", ", Classes)}).");
    }
}
