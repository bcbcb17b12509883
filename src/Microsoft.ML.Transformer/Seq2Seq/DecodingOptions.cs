namespace Microsoft.ML.Transformer;

/// <summary>How a trained sequence-to-sequence model turns a source into an output sequence. Greedy search
/// (<see cref="BeamSize"/> 1) takes the most probable token at each step; beam search keeps the
/// <see cref="BeamSize"/> most probable prefixes. Both decode blocks of rows at once with the decoder's key/value cache.</summary>
public sealed record DecodingOptions
{
    /// <summary>Hypotheses kept per row; 1 is greedy search. Default 1.</summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>
    /// α of GNMT's length penalty lp(Y) = ((5 + |Y|) / 6)^α: beam search returns the finished hypothesis with the best
    /// log P(Y) / lp(Y), so larger α favours longer outputs. 0 ranks by log-probability alone. Greedy search ignores it.
    /// Default 0.6 (Wu et al. 2016).
    /// </summary>
    public double LengthPenalty { get; init; } = 0.6;

    /// <summary>Most tokens generated per row, [EOS] not counted. Default null: the target tokenizer's MaxLength.</summary>
    public int? MaxOutputLength { get; init; }

    /// <summary>Fewest tokens before [EOS] may be generated. Default 0.</summary>
    public int MinOutputLength { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    internal DecodingOptions Validate()
    {
        if (BeamSize < 1) throw new ArgumentOutOfRangeException(nameof(BeamSize), BeamSize, "BeamSize must be at least 1.");
        if (LengthPenalty < 0 || !double.IsFinite(LengthPenalty))
            throw new ArgumentOutOfRangeException(nameof(LengthPenalty), LengthPenalty, "LengthPenalty must be a finite number ≥ 0.");
        if (MaxOutputLength is < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutputLength), MaxOutputLength, "MaxOutputLength must be positive.");
        if (MinOutputLength < 0) throw new ArgumentOutOfRangeException(nameof(MinOutputLength), MinOutputLength, "MinOutputLength cannot be negative.");
        if (MaxOutputLength is { } max && MinOutputLength > max)
            throw new ArgumentOutOfRangeException(nameof(MinOutputLength), MinOutputLength, $"MinOutputLength exceeds MaxOutputLength ({max}).");
        return this;
    }
}
