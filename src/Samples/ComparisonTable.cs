using System.Globalization;
using Spectre.Console;

namespace Samples;

/// <summary>The classifier samples' report: the Transformer's test figures beside the baseline's (the first row bold).</summary>
internal static class ComparisonTable
{
    /// <param name="baselineName">The baseline's column header.</param>
    /// <param name="rows">Each figure: its name, the Transformer's value, the baseline's (null: not trained).</param>
    /// <param name="transformerTime">The Transformer's training time.</param>
    /// <param name="baselineTime">The baseline's, or null when it was not trained.</param>
    public static void Write(string baselineName, IEnumerable<(string Name, double Transformer, double? Baseline)> rows,
        string transformerTime, TimeSpan? baselineTime)
    {
        var table = new Table().AddColumn("test split").AddColumn("Transformer").AddColumn(baselineName);
        string Cell(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "–";
        bool first = true;
        foreach (var (name, transformer, baseline) in rows)
        {
            table.AddRow(name, first ? $"[bold]{Cell(transformer)}[/]" : Cell(transformer), Cell(baseline));
            first = false;
        }
        table.AddRow("training time", transformerTime, baselineTime is { } time ? Duration(time) : "–");
        AnsiConsole.Write(table);
    }

    /// <summary>Seconds below two minutes, minutes above.</summary>
    public static string Duration(TimeSpan time)
        => time.TotalSeconds < 120 ? $"{time.TotalSeconds:F1} s" : $"{time.TotalMinutes:F1} min";
}
