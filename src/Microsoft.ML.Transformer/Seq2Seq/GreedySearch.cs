using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>Greedy decoding, batched over rows: at each step every unfinished row takes its most probable next token,
/// until all rows have produced [EOS] or reached the length limit.</summary>
internal static class GreedySearch
{
    /// <param name="sourceIds">[rows, L_s] int64 source ids, padded with the padding id, on the model's device.</param>
    public static DecodedSequence[] Decode(EncoderDecoder model, Tensor sourceIds, DecodingLimits limits, bool useCache = true)
    {
        int rows = (int)sourceIds.shape[0];
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        var (memory, sourceMask) = model.Encode(sourceIds);
        using DecoderCache? cache = useCache ? model.NewCache() : null;
        var step = new DecodingStep(model, memory, sourceMask, cache, limits);
        long[] prefixes = step.NewPrefixes(rows);
        var lengths = new int[rows];
        var finished = new bool[rows];
        var scores = new float[rows];
        int unfinished = rows;
        for (int t = 0; t <= limits.MaxTokens && unfinished > 0; t++)
        {
            using var stepScope = NewDisposeScope();
            var (best, index) = step.NextLogProbabilities(prefixes, rows, t).max(1);
            ReadOnlySpan<float> bestValues = MemoryMarshal.Cast<byte, float>(best.cpu().bytes);
            ReadOnlySpan<long> tokens = MemoryMarshal.Cast<byte, long>(index.cpu().bytes);
            for (int r = 0; r < rows; r++)
            {
                long token = SpecialTokens.Pad;
                if (!finished[r])
                {
                    token = tokens[r];
                    scores[r] += bestValues[r];
                    if (token == SpecialTokens.EndOfSequence) { finished[r] = true; unfinished--; }
                    else lengths[r]++;
                }
                prefixes[r * step.Stride + t + 1] = token;
            }
        }
        var decoded = new DecodedSequence[rows];
        for (int r = 0; r < rows; r++) decoded[r] = new DecodedSequence(step.Tokens(prefixes, r, lengths[r]), scores[r]);
        return decoded;
    }
}
