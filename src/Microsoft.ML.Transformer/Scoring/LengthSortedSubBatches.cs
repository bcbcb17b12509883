using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// Runs a block of token rows through a model in sub-batches of rows of similar length (the block sorted by token
/// count), so that a short row is not padded to the block's longest. Buffers are reused across blocks.
/// </summary>
internal sealed class LengthSortedSubBatches(int capacity)
{
    /// <summary>Rows per model call: enough to keep the matrix products efficient, few enough that lengths stay close.</summary>
    public const int Rows = 32;

    private readonly int[] _order = new int[capacity], _lengths = new int[capacity];

    /// <summary>Calls <paramref name="compute"/> on each sub-batch of the first <paramref name="count"/> rows of
    /// <paramref name="tokens"/>: their ids [rows, their longest] on <paramref name="device"/>, and the block slots of
    /// those rows in that order, where the results belong. Each call has its own dispose scope, without gradients.</summary>
    public void ForEach(TokenBlock tokens, int count, Device device, Action<Tensor, ReadOnlySpan<int>> compute)
    {
        for (int i = 0; i < count; i++) (_order[i], _lengths[i]) = (i, tokens.LengthOf(i));
        Array.Sort(_lengths, _order, 0, count);
        using var inference = no_grad();
        for (int start = 0; start < count; start += Rows)
        {
            using var scope = NewDisposeScope();
            ReadOnlySpan<int> slots = _order.AsSpan(start, Math.Min(Rows, count - start));
            compute(tokens.ToTensor(slots).to(device), slots);
        }
    }
}
