namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>
/// Draws the next token from next-token logits: temperature, then top-k, then top-p (nucleus), then a draw from the
/// renormalized softmax with a seeded <see cref="Random"/>, so a seed fixes the text. Temperature 0 is argmax. Buffers
/// are reused across steps; one sampler per generation (not thread-safe).
/// </summary>
internal sealed class TokenSampler
{
    private readonly GenerationOptions _options;
    private readonly Random _random;
    private readonly float[] _probabilities;
    private readonly int[] _order;

    public TokenSampler(GenerationOptions options, int vocabulary, int seed)
    {
        _options = options;
        _random = new Random(seed);
        _probabilities = new float[vocabulary];
        _order = new int[vocabulary];
    }

    public int Next(ReadOnlySpan<float> logits)
    {
        if (_options.Temperature == 0) return ArgMax(logits);
        int n = logits.Length;
        float max = float.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            _probabilities[i] = MathF.Exp((logits[i] - max) / _options.Temperature);
            sum += _probabilities[i];
        }
        int kept = n;
        if (_options.TopK is not null || _options.TopP is not null)
        {
            // Most probable first; the kept tokens are a prefix of this order.
            for (int i = 0; i < n; i++) _order[i] = i;
            float[] p = _probabilities;
            Array.Sort(_order, (a, b) => p[b].CompareTo(p[a]));
            if (_options.TopK is { } k) kept = Math.Min(kept, k);
            if (_options.TopP is { } topP)
            {
                double cumulative = 0;
                for (int i = 0; i < kept; i++)
                {
                    cumulative += p[_order[i]] / sum;
                    if (cumulative >= topP) { kept = i + 1; break; }
                }
            }
            sum = 0;
            for (int i = 0; i < kept; i++) sum += p[_order[i]];
            return Draw(i => _order[i], kept, sum);
        }
        return Draw(i => i, n, sum);
    }

    private int Draw(Func<int, int> token, int count, double sum)
    {
        double target = _random.NextDouble() * sum, cumulative = 0;
        for (int i = 0; i < count; i++)
        {
            cumulative += _probabilities[token(i)];
            if (cumulative > target) return token(i);
        }
        return token(count - 1);   // rounding left the target past the last bin
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
