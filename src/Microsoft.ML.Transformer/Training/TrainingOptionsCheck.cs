using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Validates the shared training settings up front, naming the setting at fault.</summary>
internal static class TrainingOptionsCheck
{
    public static void Check(IExceptionContext host, TransformerTrainingOptions o)
    {
        host.CheckUserArg(o.BatchSize > 0, nameof(o.BatchSize), "must be positive");
        host.CheckUserArg(o.Epochs > 0, nameof(o.Epochs), "must be positive");
        host.CheckUserArg(o.LearningRate > 0 && double.IsFinite(o.LearningRate), nameof(o.LearningRate), "must be positive and finite");
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
        host.CheckUserArg(o.ProgressInterval > 0, nameof(o.ProgressInterval), "must be positive");
        host.CheckUserArg(o.ShuffleBufferRows is null || o.ShuffleBufferRows >= o.BatchSize, nameof(o.ShuffleBufferRows), "must hold at least one batch");
        host.CheckUserArg(o.BucketFactor > 0, nameof(o.BucketFactor), "must be positive");
        host.CheckUserArg(o.ScoringBlockSize > 0, nameof(o.ScoringBlockSize), "must be positive");
    }
}
