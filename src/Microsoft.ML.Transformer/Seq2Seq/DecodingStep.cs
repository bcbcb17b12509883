using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>
/// One step of autoregressive decoding, shared by greedy and beam search: feed the hypotheses' prefixes ([BOS] y_1 …
/// y_t, kept row-major in a CPU buffer) to the decoder and return log P(y_{t+1} | prefix, source) for every hypothesis.
/// With a <see cref="DecoderCache"/> only the newest token is fed (one position per step); without one the whole prefix
/// is re-run, which is what the cache saves.
/// </summary>
internal sealed class DecodingStep
{
    private readonly EncoderDecoder _model;
    private readonly Tensor _memory, _sourceMask;
    private readonly DecoderCache? _cache;
    private readonly DecodingLimits _limits;
    private readonly Device _device;

    public DecodingStep(EncoderDecoder model, Tensor memory, Tensor sourceMask, DecoderCache? cache, DecodingLimits limits)
    {
        (_model, _memory, _sourceMask, _cache, _limits) = (model, memory, sourceMask, cache, limits);
        _device = memory.device;
        Stride = limits.MaxTokens + 2;
    }

    /// <summary>Positions per hypothesis in a prefix buffer: [BOS], the tokens, and [EOS].</summary>
    public int Stride { get; }

    /// <summary>A prefix buffer for <paramref name="hypotheses"/> rows, each starting with [BOS].</summary>
    public long[] NewPrefixes(int hypotheses)
    {
        var prefixes = new long[hypotheses * Stride];
        for (int h = 0; h < hypotheses; h++) prefixes[h * Stride] = SpecialTokens.BeginOfSequence;
        return prefixes;
    }

    /// <summary>Log-probabilities [hypotheses, vocabulary] (float32) of the token after position <paramref name="step"/>
    /// (0 = right after [BOS]). [EOS] is ruled out before the minimum length, and is the only choice at the maximum.</summary>
    public Tensor NextLogProbabilities(long[] prefixes, int hypotheses, int step)
    {
        Tensor input;
        if (_cache is not null)
        {
            var last = new long[hypotheses];
            for (int h = 0; h < hypotheses; h++) last[h] = prefixes[h * Stride + step];
            input = tensor(last, [hypotheses, 1], device: _device);
        }
        else
        {
            var prefix = new long[hypotheses * (step + 1)];
            for (int h = 0; h < hypotheses; h++) Array.Copy(prefixes, h * Stride, prefix, h * (step + 1), step + 1);
            input = tensor(prefix, [hypotheses, step + 1], device: _device);
        }
        Tensor logits = _model.Logits(_model.Decode(input, _memory, _sourceMask, _cache)).select(1, -1);
        Tensor logProbabilities = logits.to(ScalarType.Float32).log_softmax(-1);
        if (step < _limits.MinTokens) logProbabilities.select(1, SpecialTokens.EndOfSequence).fill_(KeptScalars.NegativeInfinity);
        if (step == _limits.MaxTokens)
        {
            Tensor eos = logProbabilities.select(1, SpecialTokens.EndOfSequence).clone();
            logProbabilities.fill_(KeptScalars.NegativeInfinity).select(1, SpecialTokens.EndOfSequence).copy_(eos);
        }
        return logProbabilities;
    }

    /// <summary>Tokens of hypothesis <paramref name="h"/>: <paramref name="count"/> positions after [BOS].</summary>
    public int[] Tokens(long[] prefixes, int h, int count)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = (int)prefixes[h * Stride + 1 + i];
        return tokens;
    }
}
