using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Compute;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Option checks when an estimator is created, each error naming the options and the setting at fault.</summary>
internal static class OptionsCheck
{
    /// <summary>Checks the shared training settings and the shape of a model with <paramref name="stacks"/>.</summary>
    public static void CheckTraining(IExceptionContext host, TransformerTrainingOptions o, TransformerStacks stacks)
    {
        host.CheckValue(o.Shape, nameof(o.Shape));
        Valid(host, o.GetType().Name, () => o.Shape.Validate(stacks));
        Valid(host, o.GetType().Name, () => TrainingDevice.Parse(o.Device));
        host.CheckUserArg(o.BatchSize > 0, nameof(o.BatchSize), "must be positive");
        host.CheckUserArg(o.Epochs is null or > 0, nameof(o.Epochs), "must be positive (or null: chosen from the data size)");
        host.CheckUserArg(o.LearningRate is null || o.LearningRate > 0 && double.IsFinite(o.LearningRate.Value), nameof(o.LearningRate), "must be positive and finite");
        host.CheckUserArg(o.MinimumLearningRate >= 0, nameof(o.MinimumLearningRate), "cannot be negative");
        host.CheckUserArg(o.WarmupSteps is null or >= 0, nameof(o.WarmupSteps), "cannot be negative");
        host.CheckUserArg(o.AdamBeta1 is >= 0 and < 1, nameof(o.AdamBeta1), "must be in [0, 1)");
        host.CheckUserArg(o.AdamBeta2 is >= 0 and < 1, nameof(o.AdamBeta2), "must be in [0, 1)");
        host.CheckUserArg(o.AdamEpsilon > 0, nameof(o.AdamEpsilon), "must be positive");
        host.CheckUserArg(o.WeightDecay >= 0, nameof(o.WeightDecay), "cannot be negative");
        host.CheckUserArg(o.GradientClipNorm is null or >= 0, nameof(o.GradientClipNorm), "cannot be negative");
        host.CheckUserArg(o.LabelSmoothing is >= 0 and < 1, nameof(o.LabelSmoothing), "must be in [0, 1)");
        host.CheckUserArg(o.GradientAccumulationSteps > 0, nameof(o.GradientAccumulationSteps), "must be positive");
        host.CheckUserArg(o.EarlyStoppingPatience is null or > 0, nameof(o.EarlyStoppingPatience), "must be positive");
        host.CheckUserArg(o.EarlyStoppingPatience is null || o.ValidationSet is not null, nameof(o.EarlyStoppingPatience),
            "needs a ValidationSet to watch");
        host.CheckUserArg(o.AverageLastEpochs > 0, nameof(o.AverageLastEpochs), "must be positive (1: no averaging)");
        host.CheckUserArg(o.ProgressInterval > 0, nameof(o.ProgressInterval), "must be positive");
        host.CheckUserArg(o.ShuffleBufferRows is null || o.ShuffleBufferRows >= o.BatchSize, nameof(o.ShuffleBufferRows), "must hold at least one batch");
        host.CheckUserArg(o.BucketFactor > 0, nameof(o.BucketFactor), "must be positive");
        host.CheckUserArg(o.ScoringBlockSize > 0, nameof(o.ScoringBlockSize), "must be positive");
        host.CheckUserArg(o.Threads is null or > 0, nameof(o.Threads), "must be positive (null: libtorch's count, one per core)");
    }

    /// <summary>Runs <paramref name="validate"/>, a <c>Validate()</c> that throws <see cref="ArgumentException"/>, and reports
    /// its exception as the user's error in <paramref name="optionsName"/>.</summary>
    public static void Valid(IExceptionContext host, string optionsName, Action validate) => Valid(host, optionsName, () =>
    {
        validate();
        return true;
    });

    /// <summary>As <see cref="Valid(IExceptionContext, string, Action)"/>, returning what <paramref name="build"/> builds.</summary>
    public static T Valid<T>(IExceptionContext host, string optionsName, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw host.Except(e, $"Invalid {optionsName}: {e.Message}");
        }
    }
}
