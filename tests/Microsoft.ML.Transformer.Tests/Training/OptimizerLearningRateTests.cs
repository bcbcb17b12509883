using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

public class OptimizerLearningRateTests
{
    [Fact]
    public void TheNextStepUsesTheRateSetOnEveryGroup()
    {
        using var scope = NewDisposeScope();
        var first = new TorchSharp.Modules.Parameter(tensor(new[] { 1.0 }));
        var second = new TorchSharp.Modules.Parameter(tensor(new[] { 1.0 }));
        using var sgd = optim.SGD([first], learningRate: 1.0);
        sgd.add_param_group(new TorchSharp.Modules.SGD.ParamGroup([second], lr: 3.0));

        OptimizerLearningRate.Set(sgd, 0.25);
        sgd.zero_grad();
        (first.sum() + second.sum()).backward();   // both gradients are 1
        sgd.step();

        Assert.All(sgd.ParamGroups, group => Assert.Equal(0.25, group.LearningRate));
        Assert.Equal(0.75, first.item<double>(), 1e-12);
        Assert.Equal(0.75, second.item<double>(), 1e-12);
    }

    [Fact]
    public void ApplySetsTheScheduledRateOfTheStep()
    {
        using var scope = NewDisposeScope();
        var weight = new TorchSharp.Modules.Parameter(zeros(2));
        using var adam = optim.Adam([weight], lr: 1.0, beta2: 0.98, eps: 1e-9);
        var noam = new LearningRateScheduler(LearningRateSchedule.InverseSquareRoot, 1.0, 4000, 100_000, modelDimension: 512);

        double rate = OptimizerLearningRate.Apply(adam, noam, 3999);

        Assert.Equal(noam.PeakRate, rate);
        Assert.Equal(rate, adam.ParamGroups.Single().LearningRate);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void InvalidRatesAreRejected(double rate)
    {
        using var scope = NewDisposeScope();
        using var sgd = optim.SGD([new TorchSharp.Modules.Parameter(zeros(1))], 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerLearningRate.Set(sgd, rate));
        Assert.Equal(0.1, sgd.ParamGroups.Single().LearningRate);
    }
}
