using TorchSharp;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Applies a scheduled rate to a TorchSharp optimizer.</summary>
/// <remarks>The trainers set the rate themselves before every step rather than use TorchSharp's <c>LRScheduler</c>s, so
/// that one <see cref="LearningRateScheduler"/> (pure and unit-tested) is the single source of the curve.</remarks>
internal static class OptimizerLearningRate
{
    /// <summary>Sets <paramref name="rate"/> on every parameter group of <paramref name="optimizer"/>; the next
    /// <c>step()</c> uses it.</summary>
    public static void Set(torch.optim.Optimizer optimizer, double rate)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(rate >= 0 && double.IsFinite(rate)))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "A learning rate must be zero or positive and finite.");
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    /// <summary>Sets the rate of 0-based optimizer step <paramref name="step"/> and returns it (for progress reports).</summary>
    public static double Apply(torch.optim.Optimizer optimizer, LearningRateScheduler scheduler, long step)
    {
        double rate = scheduler.RateAt(step);
        Set(optimizer, rate);
        return rate;
    }
}
