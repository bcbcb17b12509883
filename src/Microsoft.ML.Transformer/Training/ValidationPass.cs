using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>A pass over held-out batches: loss × examples summed, correct predictions, examples.</summary>
internal readonly record struct ValidationTotals(double LossSum, double Correct, long Examples)
{
    /// <summary>Mean loss per example; NaN without examples.</summary>
    public double MeanLoss => Examples == 0 ? double.NaN : LossSum / Examples;

    public double Accuracy => Examples == 0 ? double.NaN : Correct / Examples;
}

/// <summary>Runs a model over held-out batches in eval mode, without gradients, one dispose scope per batch.</summary>
internal static class ValidationPass
{
    /// <summary>Sums <paramref name="loss"/> over <paramref name="batches"/>, each weighted by its examples; the model's
    /// training mode is restored afterwards.</summary>
    public static ValidationTotals Run<TBatch>(nn.Module model, IEnumerable<TBatch> batches, Func<TBatch, BatchLoss> loss,
        CancellationToken cancellation)
    {
        bool training = model.training;
        model.eval();
        double lossSum = 0, correct = 0;
        long examples = 0;
        try
        {
            using (no_grad())
            {
                foreach (TBatch batch in batches)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    BatchLoss output = loss(batch);
                    lossSum += output.Loss.item<float>() * (double)output.Examples;
                    correct += output.Correct.item<long>();
                    examples += output.Examples;
                }
            }
        }
        finally
        {
            model.train(training);
        }
        return new ValidationTotals(lossSum, correct, examples);
    }
}
