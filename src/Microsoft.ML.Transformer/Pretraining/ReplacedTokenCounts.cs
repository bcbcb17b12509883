namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>Replaced-token detection's counts over a validation pass, and the metrics they give
/// (<see cref="ReplacedTokenDetectionMetrics"/>; a share with nothing to count is 0).</summary>
internal sealed class ReplacedTokenCounts
{
    private long _tokens, _masked, _replaced, _flagged, _detected, _generatorCorrect;
    private double _generatorLossSum, _discriminatorLossSum;

    /// <param name="tokens">The batch's tokens.</param>
    /// <param name="masked">Its masked positions.</param>
    /// <param name="replaced">Tokens whose sample differs from the original.</param>
    /// <param name="flagged">Tokens the discriminator calls replaced.</param>
    /// <param name="detected">Replaced tokens it calls replaced.</param>
    /// <param name="generatorCorrect">Masked tokens the generator's most probable token restores.</param>
    /// <param name="generatorLoss">The generator's mean loss over the masked positions.</param>
    /// <param name="discriminatorLoss">The discriminator's mean loss over the tokens.</param>
    public void Add(long tokens, long masked, long replaced, long flagged, long detected, long generatorCorrect, double generatorLoss, double discriminatorLoss)
    {
        (_tokens, _masked, _replaced, _flagged, _detected, _generatorCorrect) =
            (_tokens + tokens, _masked + masked, _replaced + replaced, _flagged + flagged, _detected + detected, _generatorCorrect + generatorCorrect);
        _generatorLossSum += generatorLoss * masked;
        _discriminatorLossSum += discriminatorLoss * tokens;
    }

    public Dictionary<string, double> Metrics() => new()
    {
        [ReplacedTokenDetectionMetrics.GeneratorAccuracy] = Share(_generatorCorrect, _masked),
        [ReplacedTokenDetectionMetrics.GeneratorLoss] = Share(_generatorLossSum, _masked),
        [ReplacedTokenDetectionMetrics.DiscriminatorLoss] = Share(_discriminatorLossSum, _tokens),
        [ReplacedTokenDetectionMetrics.ReplacedShare] = Share(_replaced, _tokens),
        [ReplacedTokenDetectionMetrics.ReplacedRecall] = Share(_detected, _replaced),
        [ReplacedTokenDetectionMetrics.ReplacedPrecision] = Share(_detected, _flagged),
    };

    private static double Share(double part, long whole) => whole == 0 ? 0 : part / whole;
}
