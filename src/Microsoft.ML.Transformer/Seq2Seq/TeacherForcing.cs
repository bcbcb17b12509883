using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>
/// Teacher forcing's tensors: the decoder reads the target shifted right ([BOS] y_1 … y_n) and learns to predict
/// y_1 … y_n [EOS] at every position at once.
/// </summary>
internal static class TeacherForcing
{
    /// <summary>Decoder input and labels (ignored after [EOS]), both [B, T] with T the longest n + 1 rounded up to
    /// <paramref name="lengthMultiple"/> (within <paramref name="maxLength"/>), and the positions predicted (target tokens + [EOS]).</summary>
    public static (Tensor Input, Tensor Labels, int Positions) Tensors(int[][] targets, int maxLength, int lengthMultiple, int paddingId,
        Device device)
    {
        int rows = targets.Length, longest = targets.Max(target => target.Length) + 1;
        int length = Math.Max(longest, Math.Min(maxLength, (longest + lengthMultiple - 1) / lengthMultiple * lengthMultiple));
        var input = new long[rows * length];
        var labels = new long[rows * length];
        Array.Fill(input, paddingId);
        Array.Fill(labels, VocabularyLoss.Ignored);
        int positions = 0;
        for (int r = 0; r < rows; r++)
        {
            int[] y = targets[r];
            input[r * length] = SpecialTokens.BeginOfSequence;
            for (int i = 0; i < y.Length; i++) input[r * length + 1 + i] = labels[r * length + i] = y[i];
            labels[r * length + y.Length] = SpecialTokens.EndOfSequence;
            positions += y.Length + 1;
        }
        return (tensor(input, [rows, length], device: device), tensor(labels, [rows, length], device: device), positions);
    }

    /// <summary>Target tokens of a batch (without [EOS]).</summary>
    public static int TargetTokens(TokenBatch<int[]> batch) => batch.Labels.Sum(target => target.Length);
}
