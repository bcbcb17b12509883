namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// The learning rate of each optimizer step for one training run (pure arithmetic: the trainers apply it with
/// <see cref="OptimizerLearningRate"/>). Steps are 0-based optimizer updates: step 0 is the first update.
/// </summary>
/// <remarks>
/// Warmup: step s &lt; W trains at <c>base · (s + 1) / W</c>, so the peak is reached at step W − 1 (step 0 when W is 0 or
/// 1, which behave the same). The decaying kinds then fall from the peak step to the last step of the run, T − 1, where
/// they reach the minimum exactly; later steps stay at the minimum. The inverse-square-root kind uses the paper's
/// step_num = s + 1, whose warmup is the same straight line and whose peak is at the same step.
/// </remarks>
internal sealed class LearningRateScheduler
{
    /// <summary>The paper's warmup_steps, the cap of <see cref="DefaultWarmupSteps"/>.</summary>
    public const long PaperWarmupSteps = 4000;

    /// <param name="schedule">The shape of the curve.</param>
    /// <param name="baseRate">The user's LearningRate: the peak rate, or the scale factor of the inverse-square-root kind.</param>
    /// <param name="warmupSteps">W: optimizer steps of linear warmup; 0 for none.</param>
    /// <param name="totalSteps">T: optimizer steps in the whole run (the decaying kinds end their decay there).</param>
    /// <param name="minimumRate">Where the decaying kinds end; not used by the others.</param>
    /// <param name="modelDimension">d_model, used only by the inverse-square-root kind.</param>
    public LearningRateScheduler(LearningRateSchedule schedule, double baseRate, long warmupSteps, long totalSteps,
        double minimumRate = 0, int modelDimension = 0)
    {
        bool decays = schedule is LearningRateSchedule.Cosine or LearningRateSchedule.Linear;
        Require(Enum.IsDefined(schedule), "LearningRateSchedule",
            $"must be one of {string.Join(", ", Enum.GetNames<LearningRateSchedule>())}, got {(int)schedule}");
        Require(baseRate > 0 && double.IsFinite(baseRate), "LearningRate", $"must be positive and finite, got {baseRate}");
        Require(warmupSteps >= 0, "WarmupSteps", $"cannot be negative, got {warmupSteps}");
        Require(totalSteps > 0, "TotalSteps", $"must be positive, got {totalSteps}");
        Require(minimumRate >= 0 && double.IsFinite(minimumRate), "MinimumLearningRate", $"must be zero or positive and finite, got {minimumRate}");
        Require(!decays || minimumRate <= baseRate, "MinimumLearningRate",
            $"({minimumRate}) cannot exceed LearningRate ({baseRate}): a {schedule} schedule decays from LearningRate down to it");
        Require(!decays || warmupSteps <= totalSteps, "WarmupSteps",
            $"({warmupSteps}) cannot exceed the run's {totalSteps} optimizer steps: a {schedule} schedule decays after warmup");
        Require(schedule != LearningRateSchedule.InverseSquareRoot || modelDimension > 0, "ModelDimension",
            $"must be positive for the InverseSquareRoot schedule, which scales the rate by d_model^-0.5, got {modelDimension}");

        Schedule = schedule;
        BaseRate = baseRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinimumRate = minimumRate;
        ModelDimension = modelDimension;
        PeakStep = Math.Max(warmupSteps - 1, 0);
    }

    public LearningRateSchedule Schedule { get; }

    public double BaseRate { get; }

    public long WarmupSteps { get; }

    public long TotalSteps { get; }

    public double MinimumRate { get; }

    public int ModelDimension { get; }

    /// <summary>The 0-based step with the highest rate: the last warmup step (0 without warmup).</summary>
    public long PeakStep { get; }

    /// <summary>The highest rate of the run: <see cref="BaseRate"/>, or base · d_model^-0.5 · W^-0.5 for the
    /// inverse-square-root kind (base · d_model^-0.5 without warmup).</summary>
    public double PeakRate => RateAt(PeakStep);

    /// <summary>10% of the run, at least 1 and at most the paper's 4000 steps: long enough to keep Adam's early,
    /// poorly estimated second moments from blowing up a post-LN model, short enough to leave most of a small run for
    /// training.</summary>
    public static long DefaultWarmupSteps(long totalSteps) => Math.Clamp(totalSteps / 10, 1, PaperWarmupSteps);

    /// <summary>The rate of 0-based optimizer step <paramref name="step"/>.</summary>
    public double RateAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (Schedule == LearningRateSchedule.InverseSquareRoot) return InverseSquareRootRate(step + 1);
        if (step < WarmupSteps) return BaseRate * (step + 1) / WarmupSteps;
        if (Schedule == LearningRateSchedule.Constant) return BaseRate;

        double progress = DecayProgress(step);
        double shape = Schedule == LearningRateSchedule.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return MinimumRate + (BaseRate - MinimumRate) * shape;
    }

    /// <summary>0 at the peak step, 1 at the last step of the run (T − 1) and after.</summary>
    private double DecayProgress(long step)
    {
        if (step <= PeakStep) return 0;
        long span = TotalSteps - 1 - PeakStep;
        return span <= 0 ? 1 : Math.Min(1.0, (double)(step - PeakStep) / span);
    }

    /// <summary>The paper's formula times the base rate; step_num counts from 1 so that the first step is not zero.</summary>
    private double InverseSquareRootRate(long stepNumber)
    {
        double decay = 1 / Math.Sqrt(stepNumber);
        double warmup = WarmupSteps == 0 ? double.PositiveInfinity : stepNumber / (WarmupSteps * Math.Sqrt(WarmupSteps));
        return BaseRate / Math.Sqrt(ModelDimension) * Math.Min(decay, warmup);
    }

    private static void Require(bool condition, string setting, string problem)
    {
        if (!condition) throw new ArgumentException($"Invalid training options: {setting} {problem}.", setting);
    }
}
