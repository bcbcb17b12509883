using Microsoft.ML;
using Microsoft.ML.Transformer;

namespace Samples;

/// <summary>
/// The Illustrated Transformer's attention pictures for a saved model: loads the zip, records the attention weights of
/// every layer and head on one text, and writes attention.png (a layer × head grid of heatmaps) and attention.html
/// (an interactive page: pick a token, see where each head looks).
/// </summary>
internal static class AttentionSample
{
    public static int Run(ILookup<string, string> args)
    {
        string modelPath = args.Value("model") ?? throw new ArgumentException("--model <model.zip> is required");
        string text = args.Value("text") ?? throw new ArgumentException("--text \"<text>\" is required");
        string outDir = args.Value("out") ?? ".";
        int panel = args.Value("panel") is { } size ? int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) : 360;

        ITransformer model = new MLContext().Model.Load(modelPath, out _);
        try
        {
            AttentionMap map = model.GetAttention(text);
            Console.WriteLine($"model: {modelPath}");
            Console.WriteLine($"text:  {map.Text}");
            if (map.Output is not null) Console.WriteLine($"output: {map.Output}");
            foreach (AttentionKind kind in map.Kinds)
            {
                Console.WriteLine($"{kind}: {map.Layers(kind)} layer(s) × {map.Heads} head(s), " +
                    $"{map.QueryTokens(kind).Count} queries × {map.KeyTokens(kind).Count} keys");
                Console.WriteLine("  queries: " + string.Join(" | ", map.QueryTokens(kind)));
                if (kind == AttentionKind.EncoderDecoder) Console.WriteLine("  keys:    " + string.Join(" | ", map.KeyTokens(kind)));
            }

            Directory.CreateDirectory(outDir);
            string png = Path.GetFullPath(Path.Combine(outDir, "attention.png"));
            string html = Path.GetFullPath(Path.Combine(outDir, "attention.html"));
            map.SavePng(png, panel);
            map.SaveHtml(html);
            Console.WriteLine($"wrote {png}");
            Console.WriteLine($"wrote {html}");
            return 0;
        }
        finally
        {
            foreach (IDisposable part in Parts(model).OfType<IDisposable>()) part.Dispose();
        }
    }

    private static IEnumerable<ITransformer> Parts(ITransformer model)
        => model is IEnumerable<ITransformer> chain ? chain.SelectMany(Parts) : [model];
}
