using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Training;

/// <summary>What identifies a training run for its checkpoints, and the row count its schedule is planned on.</summary>
internal static class RunIdentity
{
    /// <summary>A hash of every shared setting that changes training, plus the trainer's own
    /// (<paramref name="trainerIdentity"/>: model shape, seed, data size, …): a checkpoint resumes only the same run.</summary>
    public static string Fingerprint(TransformerTrainingOptions o, object trainerIdentity)
    {
        var identity = new
        {
            trainer = trainerIdentity, o.BatchSize, o.Epochs, defaults = o.Defaults.Name, LearningRate = o.EffectiveLearningRate, o.MinimumLearningRate, o.Schedule, o.WarmupSteps, o.AdamBeta1,
            o.AdamBeta2, o.AdamEpsilon, o.WeightDecay, o.GradientClipNorm, o.LabelSmoothing, o.GradientAccumulationSteps, o.MixedPrecision,
            o.ShuffleBufferRows, o.BucketFactor, o.KeepBestModel, o.EarlyStoppingPatience, o.AverageLastEpochs, validation = o.ValidationSet is not null,
        };
        return Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(identity, ComponentArchive.Json)));
    }

    /// <summary>Rows of <paramref name="data"/>: known, or counted with one pass over no columns.</summary>
    public static long CountRows(IDataView data)
    {
        if (data.GetRowCount() is { } known) return known;
        long count = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) count++;
        return count;
    }
}
