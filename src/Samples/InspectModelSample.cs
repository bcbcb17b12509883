using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Samples;

/// <summary>
/// Loads a saved model in a fresh process — no registration call, the library is found from the zip — prints its
/// schema and scores the given texts (token ids and float outputs). The tests use it to prove models load in a new process.
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
        // token ids, and float outputs (Score, Probability, features) in round-trip form, so that a test can compare
        // them bit for bit with the process that saved the model
        foreach (var column in scored.Schema)
        {
            IEnumerable<string>? rows = column.Type switch
            {
                VectorDataViewType v when v.ItemType == NumberDataViewType.Int32 => ReadVectors<int>(scored, column, v => v.ToString(CultureInfo.InvariantCulture)),
                VectorDataViewType v when v.ItemType == NumberDataViewType.Single => ReadVectors<float>(scored, column, v => v.ToString("R", CultureInfo.InvariantCulture)),
                _ when column.Type == NumberDataViewType.Single => ReadScalars(scored, column),
                _ => null,
            };
            foreach (string row in rows ?? []) Console.WriteLine($"{column.Name}: {row}");
        }
        return 0;
    }

    private static List<string> ReadVectors<T>(IDataView data, DataViewSchema.Column column, Func<T, string> format)
    {
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        VBuffer<T> values = default;
        var rows = new List<string>();
        while (cursor.MoveNext())
        {
            getter(ref values);
            rows.Add(string.Join(" ", values.DenseValues().Select(format)));
        }
        return rows;
    }

    private static List<string> ReadScalars(IDataView data, DataViewSchema.Column column)
    {
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        var rows = new List<string>();
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(value.ToString("R", CultureInfo.InvariantCulture));
        }
        return rows;
    }
}
