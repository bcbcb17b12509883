using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Samples;

/// <summary>
/// Scores token rows through an exported classifier with ONNX Runtime alone (no TorchSharp, no ML.NET types), as a
/// deployment would: rows are taken in blocks, each block sorted by length and run in batches padded to the batch's
/// longest row (what the library's block scoring does), and the scores put back in the rows' order.
/// </summary>
internal sealed class OnnxRuntimeScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly long _paddingId;

    /// <param name="threads">ONNX Runtime's intra-op threads (one operator spread over the cores); inter-op stays 1.</param>
    /// <param name="profilePrefix">When set, ONNX Runtime writes a JSON profile of every operator run (ending at <see cref="Dispose"/>).</param>
    public OnnxRuntimeScorer(string file, int threads, string? profilePrefix = null)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,   // fusions: MatMul+Add, LayerNorm, MatMulIntegerToFloat
        };
        if (profilePrefix is not null)
        {
            options.ProfileOutputPathPrefix = profilePrefix;   // before enabling: enabling starts the file under the prefix set then
            options.EnableProfiling = true;
        }
        _session = new InferenceSession(file, options);
        _paddingId = long.Parse(_session.ModelMetadata.CustomMetadataMap["mltransformer.padding_id"], System.Globalization.CultureInfo.InvariantCulture);
        Metadata = _session.ModelMetadata.CustomMetadataMap;
    }

    public Dictionary<string, string> Metadata { get; }

    /// <summary>The binary classifier's <c>Score</c> (logit) of each row.</summary>
    /// <param name="blockRows">Rows sorted by length together (the library's scoring block: 256).</param>
    /// <param name="batchRows">Rows per run (the library's sub-batch: 32).</param>
    public float[] Score(IReadOnlyList<int[]> rows, int blockRows = 256, int batchRows = 32)
    {
        var scores = new float[rows.Count];
        var order = new int[Math.Min(blockRows, rows.Count)];
        var lengths = new int[order.Length];
        using var runOptions = new RunOptions();
        for (int blockStart = 0; blockStart < rows.Count; blockStart += blockRows)
        {
            int count = Math.Min(blockRows, rows.Count - blockStart);
            for (int i = 0; i < count; i++) (order[i], lengths[i]) = (blockStart + i, rows[blockStart + i].Length);
            Array.Sort(lengths, order, 0, count);
            for (int start = 0; start < count; start += batchRows)
            {
                ReadOnlySpan<int> batch = order.AsSpan(start, Math.Min(batchRows, count - start));
                int width = Math.Max(1, lengths[start + batch.Length - 1]);
                using OrtValue ids = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Int64, [batch.Length, width]);
                Span<long> values = ids.GetTensorMutableDataAsSpan<long>();
                values.Fill(_paddingId);
                for (int r = 0; r < batch.Length; r++)
                {
                    int[] row = rows[batch[r]];
                    for (int t = 0; t < row.Length; t++) values[r * width + t] = row[t];
                }
                using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, ["input_ids"], [ids], ["Score"]);
                ReadOnlySpan<float> batchScores = outputs[0].GetTensorDataAsSpan<float>();
                for (int r = 0; r < batch.Length; r++) scores[batch[r]] = batchScores[r];
            }
        }
        return scores;
    }

    /// <summary>Ends profiling (when on) and returns the profile's file name.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose() => _session.Dispose();
}
