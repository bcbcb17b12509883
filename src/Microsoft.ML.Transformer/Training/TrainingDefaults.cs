namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// What a run takes for the settings the options leave unset (<see cref="TransformerTrainingOptions.LearningRate"/>,
/// <see cref="TransformerTrainingOptions.Epochs"/>): one record for training from random weights, one for fine-tuning a
/// pretrained encoder, whose weights a from-scratch learning rate would wash out in a few hundred steps.
/// </summary>
/// <param name="LearningRate">The peak learning rate when LearningRate is unset.</param>
/// <param name="Epochs">Passes an unset Epochs makes at least.</param>
/// <param name="MinimumSteps">Optimizer steps an unset Epochs plans for at least (epochs are added until the run makes them).</param>
/// <param name="MaximumEpochs">The most passes an unset Epochs chooses, so that a tiny data set is not repeated without end.</param>
/// <param name="Name">How the training log names this set of defaults.</param>
internal sealed record TrainingDefaults(double LearningRate, int Epochs, int MinimumSteps, int MaximumEpochs, string Name)
{
    /// <summary>Random weights. The 1,000 steps were measured on 3,000 rows (94 steps per epoch): 1 epoch stayed near
    /// chance on IMDb reviews (0.53) and on a synthetic vote task (0.56), 3 epochs reached 0.81 and 0.83, 11 epochs
    /// (1,034 steps) 0.78 and 0.99: the task learned, the reviews began to overfit (which a validation set with early
    /// stopping catches).</summary>
    public static TrainingDefaults FromScratch { get; } = new(5e-4, 3, 1_000, 100, "training from scratch");

    /// <summary>A pretrained encoder: BERT's fine-tuning recipe (learning rate 2e-5 to 5e-5, 2 to 4 epochs, warmup over
    /// 10% of the run). The 250 steps are what 3 epochs at batch 32 make on its smallest GLUE task (RTE, 2,490 rows), so
    /// a few hundred labelled rows still get that many updates.</summary>
    public static TrainingDefaults FineTuning { get; } = new(5e-5, 3, 250, 20, "fine-tuning a pretrained encoder");
}
