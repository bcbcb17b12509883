using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>softmax(QKᵀ/√d_k) written out with loops in double precision, from a layer's own W^Q, b^Q, W^K, b^K:
/// independent of the library's tensor code.</summary>
internal static class HandAttention
{
    /// <summary>Weights [head][query, key] of one batch row.</summary>
    /// <param name="queries">The attention's query input [L_q, d_model] (the layer input for self-attention).</param>
    /// <param name="keys">Its key input [L_k, d_model].</param>
    /// <param name="prefix">The attention module's state_dict prefix, e.g. "encoder.layers.0.self_attn.".</param>
    /// <param name="allowed">May query q attend to key k (the mask).</param>
    public static double[][,] Weights(float[,] queries, float[,] keys, IDictionary<string, Tensor> state, string prefix, int heads, Func<int, int, bool> allowed)
    {
        double[,] q = Project(queries, Matrix(state[prefix + "w_q.weight"]), Vector(state[prefix + "w_q.bias"]));
        double[,] k = Project(keys, Matrix(state[prefix + "w_k.weight"]), Vector(state[prefix + "w_k.bias"]));
        int lq = q.GetLength(0), lk = k.GetLength(0), dModel = q.GetLength(1), dK = dModel / heads;
        var weights = new double[heads][,];
        for (int h = 0; h < heads; h++)
        {
            weights[h] = new double[lq, lk];
            for (int i = 0; i < lq; i++)
            {
                var scores = new double[lk];
                double max = double.NegativeInfinity;
                for (int j = 0; j < lk; j++)
                {
                    if (!allowed(i, j)) { scores[j] = double.NegativeInfinity; continue; }
                    double dot = 0;
                    for (int c = h * dK; c < (h + 1) * dK; c++) dot += q[i, c] * k[j, c];
                    scores[j] = dot / Math.Sqrt(dK);
                    max = Math.Max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < lk; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                for (int j = 0; j < lk; j++) weights[h][i, j] = scores[j] / sum;
            }
        }
        return weights;
    }

    /// <summary>Row <paramref name="row"/> of a [batch, L, d] tensor, as [L, d].</summary>
    public static float[,] Rows(Tensor x, int row = 0)
    {
        using Tensor one = x[row].to(ScalarType.Float32).cpu().contiguous();
        float[] flat = one.data<float>().ToArray();
        int length = (int)one.shape[0], width = (int)one.shape[1];
        var result = new float[length, width];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    private static double[,] Project(float[,] x, float[,] weight, float[] bias)
    {
        int length = x.GetLength(0), output = weight.GetLength(0), input = weight.GetLength(1);
        var y = new double[length, output];
        for (int i = 0; i < length; i++)
            for (int o = 0; o < output; o++)
            {
                double sum = bias[o];
                for (int c = 0; c < input; c++) sum += (double)x[i, c] * weight[o, c];
                y[i, o] = sum;
            }
        return y;
    }

    private static float[,] Matrix(Tensor t)
    {
        float[] flat = t.cpu().contiguous().data<float>().ToArray();
        var m = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(float));
        return m;
    }

    private static float[] Vector(Tensor t) => t.cpu().data<float>().ToArray();
}
