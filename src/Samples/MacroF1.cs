using Microsoft.ML.Data;

namespace Samples;

/// <summary>
/// Macro-averaged F1 from a confusion matrix: the mean over classes of 2·TP / (2·TP + FP + FN). (ML.NET's
/// <c>MacroAccuracy</c> is the mean per-class recall, not this.) A class that is neither in the test labels nor
/// predicted has no F1 and is left out of the mean.
/// </summary>
internal static class MacroF1
{
    public static double Of(ConfusionMatrix matrix) => Of(matrix.Counts);

    /// <param name="counts">counts[actual][predicted], as <see cref="ConfusionMatrix.Counts"/>.</param>
    public static double Of(IReadOnlyList<IReadOnlyList<double>> counts)
    {
        var f1 = new List<double>();
        for (int c = 0; c < counts.Count; c++)
        {
            double truePositives = counts[c][c];
            double actual = counts[c].Sum(), predicted = counts.Sum(row => row[c]);
            if (actual + predicted > 0) f1.Add(2 * truePositives / (actual + predicted));
        }
        return f1.Count > 0 ? f1.Average() : double.NaN;
    }
}
