namespace Microsoft.ML.Transformer;

/// <summary>
/// The names of the validation metrics replaced-token detection reports in <see cref="EpochSummary.ValidationDetails"/>,
/// over the validation slice's tokens. Besides them, <see cref="EpochSummary.ValidationMetric"/> is the discriminator's
/// accuracy over every token (replaced or original; what keep-best maximizes) and <see cref="EpochSummary.ValidationLoss"/>
/// the joint loss L_MLM + λ·L_Disc.
/// </summary>
public static class ReplacedTokenDetectionMetrics
{
    /// <summary>The generator's masked-token accuracy: the share of masked tokens its most probable token restores.</summary>
    public const string GeneratorAccuracy = nameof(GeneratorAccuracy);

    /// <summary>The generator's masked-token loss (mean cross-entropy over the masked positions, nats).</summary>
    public const string GeneratorLoss = nameof(GeneratorLoss);

    /// <summary>The discriminator's loss (mean binary cross-entropy over the tokens).</summary>
    public const string DiscriminatorLoss = nameof(DiscriminatorLoss);

    /// <summary>The share of the tokens replaced by a sampled token other than the original: 1 − it is the accuracy of
    /// answering "original" everywhere, the baseline the discriminator's accuracy is read against.</summary>
    public const string ReplacedShare = nameof(ReplacedShare);

    /// <summary>The share of the replaced tokens the discriminator flags as replaced (recall).</summary>
    public const string ReplacedRecall = nameof(ReplacedRecall);

    /// <summary>The share of the tokens flagged as replaced that were (precision); 0 when none is flagged.</summary>
    public const string ReplacedPrecision = nameof(ReplacedPrecision);
}
