using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary><see cref="Transformer.Training.AdamW"/> is TorchSharp's AdamW with its scalars kept alive: the same weights, bit for
/// bit, over steps with a changing rate, weight decay on one group, and a state saved by one and loaded by the other.</summary>
public class AdamWTests
{
    [Fact]
    public void StepsGiveTorchSharpsWeightsBitForBitAndShareItsState()
    {
        using var ours = new Weights(seed: 3);
        using var theirs = new Weights(seed: 3);
        using var keptOptimizer = new Transformer.Training.AdamW(ours.Groups(), 1e-2, 0.9, 0.98, 1e-8, 0.1);
        var torchOptimizer = optim.AdamW(theirs.Groups(), 1e-2, 0.9, 0.98, 1e-8, 0.1);
        for (int step = 0; step < 6; step++)
        {
            double rate = 1e-2 / (step + 1);
            foreach (var group in keptOptimizer.ParamGroups) group.LearningRate = rate;
            foreach (var group in torchOptimizer.ParamGroups) group.LearningRate = rate;
            ours.Backward(step);
            theirs.Backward(step);
            keptOptimizer.step();
            torchOptimizer.step();
        }
        Assert.True(Same(ours.Matrix, theirs.Matrix), "decayed matrix differs");
        Assert.True(Same(ours.Bias, theirs.Bias), "undecayed bias differs");
        using (var initial = new Weights(seed: 3)) Assert.False(Same(ours.Matrix, initial.Matrix), "the steps changed nothing");

        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) keptOptimizer.save_state_dict(writer);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved)) torchOptimizer.load_state_dict(reader);   // the same state type
        ours.Backward(7);
        theirs.Backward(7);
        keptOptimizer.step();
        torchOptimizer.step();
        Assert.True(Same(ours.Matrix, theirs.Matrix), "after a state round trip");
    }

    private static bool Same(Tensor a, Tensor b) => a.data<float>().ToArray().SequenceEqual(b.data<float>().ToArray());

    private sealed class Weights : IDisposable
    {
        public readonly TorchSharp.Modules.Parameter Matrix, Bias;

        public Weights(int seed)
        {
            using var generator = new Generator((ulong)seed);
            Matrix = new TorchSharp.Modules.Parameter(randn([4, 3], generator: generator));
            Bias = new TorchSharp.Modules.Parameter(randn([3], generator: generator));
        }

        public List<TorchSharp.Modules.AdamW.ParamGroup> Groups() =>
        [
            new([Matrix], 1e-2, 0.9, 0.98, 1e-8, 0.1, false, false),
            new([Bias], 1e-2, 0.9, 0.98, 1e-8, 0, false, false),
        ];

        /// <summary>Gradients of a loss that changes with the step.</summary>
        public void Backward(int step)
        {
            Matrix.grad?.zero_();
            Bias.grad?.zero_();
            using var scope = NewDisposeScope();
            using var input = arange(12, dtype: ScalarType.Float32).reshape(3, 4).div(step + 1.0).sin();
            input.matmul(Matrix).add(Bias).pow(2).sum().backward();
        }

        public void Dispose()
        {
            Matrix.Dispose();
            Bias.Dispose();
        }
    }
}
