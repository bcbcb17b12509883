using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Attention;

/// <summary>
/// One kind of attention recorded on one input row: for every layer, the weights [h, L_q, L_k] row-major
/// (<c>Layers[layer][(head · L_q + query) · L_k + key]</c>), with the labels of the query and key tokens.
/// </summary>
internal sealed record AttentionRecord(AttentionKind Kind, string[] QueryTokens, string[] KeyTokens, int Heads, float[][] Layers)
{
    /// <summary>
    /// The <paramref name="kind"/> records of <paramref name="recorder"/> (one forward pass, without a key/value cache:
    /// one record per layer), row <paramref name="row"/> of the batch, cut to the given tokens (so trailing padding of a
    /// batched row can be left out).
    /// </summary>
    public static AttentionRecord FromRecorder(AttentionRecorder recorder, AttentionKind kind, string[] queryTokens, string[] keyTokens, int row = 0)
    {
        var records = recorder.Records.Where(r => r.Kind == kind).OrderBy(r => r.Layer).ToArray();
        if (records.Length == 0) throw new InvalidOperationException($"No {kind} attention was recorded.");
        var layers = new float[records.Length][];
        int heads = 0;
        for (int i = 0; i < records.Length; i++)
        {
            var (_, layer, weights) = records[i];
            if (layer != i) throw new InvalidOperationException($"{kind} attention: expected one record per layer 0…{records.Length - 1}, found layer {layer} at {i}.");
            if (weights.dim() != 4 || weights.shape[2] < queryTokens.Length || weights.shape[3] < keyTokens.Length || row >= weights.shape[0])
                throw new InvalidOperationException($"{kind} attention, layer {layer}: weights [{string.Join(", ", weights.shape)}] do not cover row {row} " +
                    $"with {queryTokens.Length} queries and {keyTokens.Length} keys.");
            heads = (int)weights.shape[1];
            using var scope = NewDisposeScope();
            Tensor one = weights[row].narrow(1, 0, queryTokens.Length).narrow(2, 0, keyTokens.Length)
                .to(ScalarType.Float32).cpu().contiguous();
            layers[i] = MemoryMarshal.Cast<byte, float>(one.bytes).ToArray();
        }
        return new AttentionRecord(kind, queryTokens, keyTokens, heads, layers);
    }
}
