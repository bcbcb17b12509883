namespace Microsoft.ML.Transformer;

/// <summary>
/// How the learning rate moves over a training run. Every kind starts with a linear warmup of <c>WarmupSteps</c>
/// optimizer steps: the first step trains at 1/WarmupSteps of the peak rate and the rate grows linearly to the peak at
/// the last warmup step, so no step trains at a zero rate. See docs/training.md for the formulas.
/// </summary>
public enum LearningRateSchedule
{
    /// <summary>Warmup, then a half cosine from <c>LearningRate</c> down to <c>MinimumLearningRate</c>, reached at the
    /// last optimizer step of the run. The default.</summary>
    Cosine,

    /// <summary>Warmup, then a straight line from <c>LearningRate</c> down to <c>MinimumLearningRate</c>, reached at the
    /// last optimizer step of the run.</summary>
    Linear,

    /// <summary>Warmup, then <c>LearningRate</c> for the rest of the run.</summary>
    Constant,

    /// <summary>
    /// "Noam", the paper's section 5.3: <c>lrate = d_model^-0.5 · min(step_num^-0.5, step_num · warmup_steps^-1.5)</c>,
    /// with step_num counted from 1 (a linear warmup, then decay with the inverse square root of the step). With this
    /// kind <c>LearningRate</c> is a scale factor that multiplies the formula: 1.0 reproduces the paper exactly (peak
    /// ≈ 7.0e-4 for d_model 512 and 4000 warmup steps). The paper pairs it with Adam β1 = 0.9, β2 = 0.98, ε = 1e-9.
    /// <c>MinimumLearningRate</c> is not used.
    /// </summary>
    InverseSquareRoot,
}
