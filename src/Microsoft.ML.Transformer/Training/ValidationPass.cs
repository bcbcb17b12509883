using Microsoft.ML.Runtime;
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
    /// <summary>Fails unless <paramref name="validationSet"/> has a row and its task <paramref name="batches"/> a first
    /// batch, so that a ValidationSet with nothing to measure stops the run before the first step rather than after an
    /// epoch. Reads at most the rows of one batch (the shuffle pool's), without the model.</summary>
    public static void RequireBatches<TBatch>(IExceptionContext host, IDataView validationSet, IEnumerable<TBatch> batches)
    {
        using (DataViewRowCursor cursor = validationSet.GetRowCursor([]))
            if (!cursor.MoveNext())
                throw host.Except("The ValidationSet has no rows: give it held-out rows, or leave it null to train without validation.");
        using var scope = NewDisposeScope();
        using IEnumerator<TBatch> first = batches.GetEnumerator();
        if (!first.MoveNext())
            throw host.Except("The ValidationSet gives no batch to validate on: its rows are too few or too short for the task " +
                "(a language model needs more than ContextLength tokens of validation text).");
    }

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
