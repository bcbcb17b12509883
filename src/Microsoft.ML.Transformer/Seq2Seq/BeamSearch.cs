using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>
/// Beam search, batched over rows: each row keeps its K most probable prefixes (hypotheses, scored by the sum of their
/// tokens' log-probabilities). Each step extends every hypothesis by every token and keeps, per row, the K best of the
/// K·V candidates. A finished hypothesis (it produced [EOS]) has one continuation, padding at +0, so it keeps its score
/// and its place while it stays among the K best. The decoder cache follows the surviving hypotheses
/// (<see cref="DecoderCache.Reorder"/>). The answer is the finished hypothesis with the best score / lp(|Y|), GNMT's
/// length penalty. With K = 1 this is exactly greedy search.
/// </summary>
internal static class BeamSearch
{
    public static DecodedSequence[] Decode(EncoderDecoder model, Tensor sourceIds, int beamSize, double lengthPenalty, DecodingLimits limits,
        bool useCache = true)
    {
        int rows = (int)sourceIds.shape[0], k = beamSize, hypotheses = rows * k;
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        var (memory, sourceMask) = model.Encode(sourceIds);
        Tensor expand = arange(rows, device: sourceIds.device).repeat_interleave(k);   // hypothesis → its row
        memory = memory.index_select(0, expand);
        sourceMask = sourceMask.index_select(0, expand);
        using DecoderCache? cache = useCache ? model.NewCache() : null;
        var step = new DecodingStep(model, memory, sourceMask, cache, limits);

        long[] prefixes = step.NewPrefixes(hypotheses), nextPrefixes = new long[prefixes.Length];
        var scores = new float[hypotheses];
        for (int h = 0; h < hypotheses; h++) scores[h] = h % k == 0 ? 0 : float.NegativeInfinity;   // one live hypothesis per row at first
        var lengths = new int[hypotheses];
        var nextLengths = new int[hypotheses];
        var finished = new bool[hypotheses];
        var nextFinished = new bool[hypotheses];
        var origins = new long[hypotheses];
        int vocabulary = model.Config.TargetVocabularySize;

        for (int t = 0; t <= limits.MaxTokens && finished.Contains(false); t++)
        {
            using var stepScope = NewDisposeScope();
            Tensor logProbabilities = step.NextLogProbabilities(prefixes, hypotheses, t);
            if (finished.Contains(true))
            {
                Tensor padOnly = full(vocabulary, float.NegativeInfinity, device: logProbabilities.device).index_fill_(0, tensor(new long[] { SpecialTokens.Pad }, device: logProbabilities.device), 0f);
                Tensor done = tensor(finished, device: logProbabilities.device).unsqueeze(1);
                logProbabilities = where(done, padOnly, logProbabilities);
            }
            Tensor candidates = tensor(scores, device: logProbabilities.device).unsqueeze(1).add(logProbabilities, KeptScalars.One).view(rows, k * vocabulary);
            var (best, index) = candidates.topk(k, dim: 1);
            ReadOnlySpan<float> bestScores = MemoryMarshal.Cast<byte, float>(best.cpu().contiguous().bytes);
            ReadOnlySpan<long> bestIndex = MemoryMarshal.Cast<byte, long>(index.cpu().contiguous().bytes);
            for (int h = 0; h < hypotheses; h++)
            {
                int row = h / k;
                int from = row * k + (int)(bestIndex[h] / vocabulary);
                long token = finished[from] ? SpecialTokens.Pad : bestIndex[h] % vocabulary;
                Array.Copy(prefixes, from * step.Stride, nextPrefixes, h * step.Stride, t + 1);
                nextPrefixes[h * step.Stride + t + 1] = token;
                nextFinished[h] = finished[from] || token == SpecialTokens.EndOfSequence;
                nextLengths[h] = lengths[from] + (nextFinished[h] ? 0 : 1);
                scores[h] = bestScores[h];
                origins[h] = from;
            }
            cache?.Reorder(tensor(origins, device: logProbabilities.device));
            (prefixes, nextPrefixes) = (nextPrefixes, prefixes);
            (lengths, nextLengths) = (nextLengths, lengths);
            (finished, nextFinished) = (nextFinished, finished);
        }
        return Choose(step, prefixes, scores, lengths, finished, rows, k, lengthPenalty);
    }

    /// <summary>Per row, the hypothesis with the best log P / lp(|Y|), |Y| counting [EOS]; finished ones first.</summary>
    private static DecodedSequence[] Choose(DecodingStep step, long[] prefixes, float[] scores, int[] lengths, bool[] finished, int rows, int k,
        double lengthPenalty)
    {
        var decoded = new DecodedSequence[rows];
        for (int row = 0; row < rows; row++)
        {
            int best = -1;
            double bestValue = double.NegativeInfinity;
            for (int h = row * k; h < (row + 1) * k; h++)
            {
                if (float.IsNegativeInfinity(scores[h])) continue;
                double value = scores[h] / Math.Pow((5.0 + lengths[h] + (finished[h] ? 1 : 0)) / 6.0, lengthPenalty);
                bool better = best < 0 || finished[h] && !finished[best] || finished[h] == finished[best] && value > bestValue;
                if (better) (best, bestValue) = (h, value);
            }
            best = Math.Max(best, row * k);
            decoded[row] = new DecodedSequence(step.Tokens(prefixes, best, lengths[best]), scores[best]);
        }
        return decoded;
    }
}
