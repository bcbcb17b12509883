using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Samples;

/// <summary>
/// Loads a saved model in a fresh process — no registration call, the library is found from the zip — prints its
/// schema and scores the given texts. The tests use it to prove models load in a new process.
/// </summary>
internal static class InspectModelSample
{
    // Nothing here touches a Microsoft.ML.Transformer type before Model.Load: the library must be found by ML.NET.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Run(ILookup<string, string> args)
    {
        string modelPath = args.Value("model") ?? throw new ArgumentException("--model <model.zip> is required");
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(modelPath, out DataViewSchema? inputSchema);
        Console.WriteLine($"model: {modelPath}");
        Console.WriteLine("input: " + string.Join(", ", inputSchema?.Select(c => $"{c.Name}:{c.Type}") ?? []));

        string[] texts = args["text"].ToArray();
        if (texts.Length == 0) return 0;
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new Review { Text = t })));
        Console.WriteLine("output: " + string.Join(", ", scored.Schema.Select(c => $"{c.Name}:{c.Type}")));
        foreach (var column in scored.Schema.Where(c => c.Type is VectorDataViewType v && v.ItemType == NumberDataViewType.Int32))
            foreach (string row in ReadRows(scored, column))
                Console.WriteLine($"{column.Name}: {row}");
        return 0;
    }

    private static IEnumerable<string> ReadRows(IDataView data, DataViewSchema.Column column)
    {
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<int>>(column);
        VBuffer<int> values = default;
        var rows = new List<string>();
        while (cursor.MoveNext())
        {
            getter(ref values);
            rows.Add(string.Join(" ", values.DenseValues()));
        }
        return rows;
    }
}
