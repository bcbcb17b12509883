using ScottPlot;

namespace Microsoft.ML.Transformer.Attention;

/// <summary>Draws an <see cref="AttentionMap"/> as a grid of ScottPlot heatmaps: one row per layer (the layers of each
/// kind in turn), one column per head; queries down the side, keys along the bottom; white = 0, dark blue = 1.</summary>
internal static class AttentionPng
{
    private const int LongestLabel = 14;

    public static void Save(AttentionMap map, string path, int panelSize)
    {
        var panels = map.Kinds.SelectMany(kind => Enumerable.Range(0, map.Layers(kind)).Select(layer => (kind, layer))).ToArray();
        var grid = new Multiplot();
        grid.AddPlots(panels.Length * map.Heads);
        grid.Layout = new ScottPlot.MultiplotLayouts.Grid(panels.Length, map.Heads);
        for (int row = 0; row < panels.Length; row++)
        {
            var (kind, layer) = panels[row];
            for (int head = 0; head < map.Heads; head++)
                Draw(grid.GetPlot(row * map.Heads + head), map, kind, layer, head, panelSize);
        }
        grid.SavePng(path, map.Heads * panelSize, panels.Length * panelSize);
    }

    private static void Draw(Plot plot, AttentionMap map, AttentionKind kind, int layer, int head, int panelSize)
    {
        float[,] weights = map.Weights(kind, layer, head);
        int queries = weights.GetLength(0), keys = weights.GetLength(1);
        var intensities = new double[queries, keys];
        for (int q = 0; q < queries; q++)
            for (int k = 0; k < keys; k++) intensities[q, k] = weights[q, k];
        var heatmap = plot.Add.Heatmap(intensities);   // row 0 at the top, cell centres at 0 … n − 1
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed();   // ScottPlot's Blues runs dark → white
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        string title = $"{Name(kind)} · layer {layer} · head {head}";
        plot.Title(title, size: Math.Min(12f, panelSize * 0.7f / (title.Length * 0.6f)));   // fits over the data area
        plot.Grid.IsVisible = false;

        float labelSize = LabelSize(Math.Max(queries, keys), panelSize);
        Label(plot.Axes.Left, map.QueryTokens(kind), reverse: true, labelSize, panelSize);
        Label(plot.Axes.Bottom, map.KeyTokens(kind), reverse: false, labelSize, panelSize);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        int longest = map.KeyTokens(kind).Max(t => Math.Min(t.Length, LongestLabel));
        plot.Axes.Bottom.MinimumSize = longest * labelSize * 0.65f + 12;
        plot.Axes.Left.MinimumSize = map.QueryTokens(kind).Max(t => Math.Min(t.Length, LongestLabel)) * labelSize * 0.65f + 12;
    }

    /// <summary>Tick labels at the cell centres; with more tokens than fit, every n-th.</summary>
    private static void Label(IAxis axis, IReadOnlyList<string> tokens, bool reverse, float size, int panelSize)
    {
        int step = Math.Max(1, (int)Math.Ceiling(tokens.Count * (size + 2) / (panelSize * 0.6)));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < tokens.Count; i += step)
            ticks.AddMajor(reverse ? tokens.Count - 1 - i : i, Short(tokens[i]));
        axis.TickGenerator = ticks;
        axis.TickLabelStyle.FontSize = size;
        axis.TickLabelStyle.FontName = Fonts.Detect(string.Concat(tokens));
    }

    /// <summary>Labels shrink to fit every token in the plot area (about 60 % of the panel), down to 7 px; beyond that
    /// <see cref="Label"/> skips some.</summary>
    private static float LabelSize(int tokens, int panelSize) => Math.Clamp(panelSize * 0.6f / tokens - 2, 7f, 12f);

    private static string Short(string token) => token.Length <= LongestLabel ? token : token[..(LongestLabel - 1)] + "…";

    private static string Name(AttentionKind kind) => kind switch
    {
        AttentionKind.EncoderSelf => "encoder self",
        AttentionKind.DecoderSelf => "decoder self",
        _ => "encoder–decoder",
    };
}
