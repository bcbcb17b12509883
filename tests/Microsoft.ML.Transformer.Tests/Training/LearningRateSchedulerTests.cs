using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

public class LearningRateSchedulerTests
{
    private const double Tolerance = 1e-15;

    private static LearningRateScheduler Make(LearningRateSchedule schedule, long warmup = 10, long total = 110, double min = 0.0001)
        => new(schedule, baseRate: 0.001, warmupSteps: warmup, totalSteps: total, minimumRate: min);

    [Theory]
    [InlineData(LearningRateSchedule.Cosine)]
    [InlineData(LearningRateSchedule.Linear)]
    [InlineData(LearningRateSchedule.Constant)]
    public void WarmupRisesLinearlyFromBaseOverWarmupToBase(LearningRateSchedule schedule)
    {
        var scheduler = Make(schedule);
        for (long step = 0; step < 10; step++)
            Assert.Equal(0.001 * (step + 1) / 10, scheduler.RateAt(step), Tolerance);
        Assert.Equal(0.0001, scheduler.RateAt(0), Tolerance);     // the first update is not at rate 0
        Assert.Equal(0.001, scheduler.RateAt(9), Tolerance);      // peak at the last warmup step
        Assert.Equal((9L, 0.001), (scheduler.PeakStep, scheduler.PeakRate));
    }

    [Theory]
    [InlineData(LearningRateSchedule.Cosine)]
    [InlineData(LearningRateSchedule.Linear)]
    [InlineData(LearningRateSchedule.Constant)]
    [InlineData(LearningRateSchedule.InverseSquareRoot)]
    public void WarmupIsStrictlyIncreasingAndPeaksAtTheLastWarmupStep(LearningRateSchedule schedule)
    {
        var scheduler = new LearningRateScheduler(schedule, 1.0, warmupSteps: 50, totalSteps: 200, modelDimension: 64);
        double[] rates = Enumerable.Range(0, 60).Select(step => scheduler.RateAt(step)).ToArray();
        for (int step = 1; step < 50; step++) Assert.True(rates[step] > rates[step - 1], $"step {step}");
        Assert.Equal(rates.Max(), rates[49]);
        Assert.True(rates[0] > 0);
    }

    [Fact]
    public void CosineIsTheHalfCosineFromPeakToMinimum()
    {
        var scheduler = Make(LearningRateSchedule.Cosine);
        // peak at step 9, minimum at step 109: progress p = (step − 9) / 100
        static double Expected(double p) => 0.0001 + 0.0009 * 0.5 * (1 + Math.Cos(Math.PI * p));
        Assert.Equal(Expected(0.01), scheduler.RateAt(10), Tolerance);
        Assert.Equal(Expected(0.25), scheduler.RateAt(34), Tolerance);
        Assert.Equal(0.00055, scheduler.RateAt(59), Tolerance);   // halfway: the mean of base and minimum
        Assert.Equal(Expected(0.9), scheduler.RateAt(99), Tolerance);
        Assert.Equal(0.0001, scheduler.RateAt(109));              // exactly the minimum at the last step
        Assert.Equal(0.0001, scheduler.RateAt(500));              // and after it
    }

    [Fact]
    public void LinearIsAStraightLineFromPeakToMinimum()
    {
        var scheduler = Make(LearningRateSchedule.Linear);
        Assert.Equal(0.0001 + 0.0009 * 0.99, scheduler.RateAt(10), Tolerance);
        Assert.Equal(0.0001 + 0.0009 * 0.75, scheduler.RateAt(34), Tolerance);
        Assert.Equal(0.00055, scheduler.RateAt(59), Tolerance);
        Assert.Equal(0.0001, scheduler.RateAt(109), Tolerance);
        Assert.Equal(0.0001, scheduler.RateAt(10_000), Tolerance);
    }

    [Theory]
    [InlineData(LearningRateSchedule.Cosine)]
    [InlineData(LearningRateSchedule.Linear)]
    public void DecayIsMonotonicAndEndsAtTheMinimum(LearningRateSchedule schedule)
    {
        var scheduler = Make(schedule);
        for (long step = 10; step < 110; step++) Assert.True(scheduler.RateAt(step) < scheduler.RateAt(step - 1), $"step {step}");
        Assert.Equal(0.0001, scheduler.RateAt(109), Tolerance);
    }

    [Fact]
    public void ConstantHoldsTheBaseRateAfterWarmup()
    {
        var scheduler = Make(LearningRateSchedule.Constant);
        Assert.All(new long[] { 9, 10, 109, 1_000_000 }, step => Assert.Equal(0.001, scheduler.RateAt(step)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void NoWarmupStartsAtThePeak(long warmup)
    {
        var cosine = Make(LearningRateSchedule.Cosine, warmup: warmup, total: 101, min: 0);
        Assert.Equal(0.001, cosine.RateAt(0));
        Assert.Equal(0.0005, cosine.RateAt(50), Tolerance);
        Assert.Equal(0, cosine.RateAt(100), Tolerance);
    }

    [Fact]
    public void DegenerateRunsDoNotDivideByZero()
    {
        Assert.Equal(0.001, Make(LearningRateSchedule.Cosine, warmup: 0, total: 1).RateAt(0));   // one step: at the peak
        var allWarmup = Make(LearningRateSchedule.Linear, warmup: 10, total: 10);                // no room to decay
        Assert.Equal(0.001, allWarmup.RateAt(9), Tolerance);
        Assert.Equal(0.0001, allWarmup.RateAt(10), Tolerance);
    }

    [Fact]
    public void InverseSquareRootWithScaleOneIsThePapersFormula()
    {
        var noam = new LearningRateScheduler(LearningRateSchedule.InverseSquareRoot, 1.0, warmupSteps: 4000, totalSteps: 100_000, modelDimension: 512);
        // lrate = d_model^-0.5 · min(step_num^-0.5, step_num · warmup_steps^-1.5), step_num = step + 1
        static double Paper(double stepNum) => Math.Pow(512, -0.5) * Math.Min(Math.Pow(stepNum, -0.5), stepNum * Math.Pow(4000, -1.5));
        foreach (long stepNum in new long[] { 1, 100, 1000, 3999, 4000, 4001, 10_000, 100_000, 1_000_000 })
            Assert.Equal(Paper(stepNum), noam.RateAt(stepNum - 1), 1e-15);

        Assert.Equal(3999, noam.PeakStep);                          // the paper's step_num 4000
        Assert.Equal(6.988e-4, noam.PeakRate, 1e-7);                // ≈ 7.0e-4
        Assert.Equal(noam.PeakRate / 4000, noam.RateAt(0), 1e-18);  // linear warmup, like the other kinds
        Assert.Equal(noam.PeakRate / 2, noam.RateAt(15_999), 1e-15); // 4× the peak step: half the peak rate
    }

    [Fact]
    public void InverseSquareRootBaseRateIsAScaleAndIgnoresTheMinimum()
    {
        var paper = new LearningRateScheduler(LearningRateSchedule.InverseSquareRoot, 1.0, 4000, 10, modelDimension: 512);
        var scaled = new LearningRateScheduler(LearningRateSchedule.InverseSquareRoot, 2.0, 4000, 10, minimumRate: 1, modelDimension: 512);
        Assert.All(new long[] { 0, 3999, 50_000 }, step => Assert.Equal(2 * paper.RateAt(step), scaled.RateAt(step), 1e-18));
    }

    [Fact]
    public void InverseSquareRootWithoutWarmupDecaysFromTheFirstStep()
    {
        var noam = new LearningRateScheduler(LearningRateSchedule.InverseSquareRoot, 1.0, 0, 10, modelDimension: 64);
        Assert.Equal(0.125, noam.RateAt(0), Tolerance);        // 64^-0.5 · 1^-0.5
        Assert.Equal(0.0625, noam.RateAt(3), Tolerance);       // 64^-0.5 · 4^-0.5
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(9, 1)]
    [InlineData(500, 50)]
    [InlineData(1_000_000, 4000)]
    public void DefaultWarmupIsTenPercentCappedAtThePapers(long total, long expected)
        => Assert.Equal(expected, LearningRateScheduler.DefaultWarmupSteps(total));

    private static readonly Dictionary<string, (Func<LearningRateScheduler> Create, string Message)> InvalidSchedules = new()
    {
        ["undefined-schedule"] = (() => new((LearningRateSchedule)7, 0.001, 0, 10), "LearningRateSchedule must be one of Cosine, Linear, Constant, InverseSquareRoot, got 7"),
        ["zero-rate"] = (() => new(LearningRateSchedule.Cosine, 0, 0, 10), "LearningRate must be positive and finite, got 0"),
        ["nan-rate"] = (() => new(LearningRateSchedule.Constant, double.NaN, 0, 10), "LearningRate must be positive and finite"),
        ["negative-warmup"] = (() => new(LearningRateSchedule.Constant, 0.001, -1, 10), "WarmupSteps cannot be negative, got -1"),
        ["zero-total"] = (() => new(LearningRateSchedule.Constant, 0.001, 0, 0), "TotalSteps must be positive, got 0"),
        ["negative-minimum"] = (() => new(LearningRateSchedule.Constant, 0.001, 0, 10, minimumRate: -1), "MinimumLearningRate must be zero or positive and finite, got -1"),
        ["minimum-above-base"] = (() => new(LearningRateSchedule.Linear, 0.001, 0, 10, minimumRate: 0.01), "MinimumLearningRate (0.01) cannot exceed LearningRate (0.001)"),
        ["warmup-longer-than-run"] = (() => new(LearningRateSchedule.Cosine, 0.001, 500, 100), "WarmupSteps (500) cannot exceed the run's 100 optimizer steps"),
        ["noam-without-d_model"] = (() => new(LearningRateSchedule.InverseSquareRoot, 1.0, 4000, 100), "ModelDimension must be positive for the InverseSquareRoot schedule"),
    };

    public static TheoryData<string> InvalidCases => new(InvalidSchedules.Keys);

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void InvalidSettingsAreNamed(string name)
    {
        var (create, expected) = InvalidSchedules[name];
        var error = Assert.Throws<ArgumentException>(() => create());
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("Invalid training options: ", error.Message);
    }

    [Fact]
    public void ConstantAndNoamAllowWarmupBeyondTheRun()
    {
        Assert.Equal(0.0005, new LearningRateScheduler(LearningRateSchedule.Constant, 0.001, 200, 100).RateAt(99), Tolerance);
        _ = new LearningRateScheduler(LearningRateSchedule.InverseSquareRoot, 1.0, 4000, 100, modelDimension: 512);
    }

    [Fact]
    public void NegativeStepIsRejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Make(LearningRateSchedule.Cosine).RateAt(-1));
}
