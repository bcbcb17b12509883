using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// One training batch: <see cref="Count"/> rows of token ids packed row-major as [Count, Length] with the padding id
/// after each row's tokens, each row's token count, and the class indices when the data has labels.
/// </summary>
internal sealed class TokenBatch
{
    public TokenBatch(long[] ids, int[] lengths, int length, long[]? labels, TokenRows? targets = null)
    {
        (Ids, Lengths, Length, Labels, Targets) = (ids, lengths, length, labels, targets);
        foreach (int rowLength in lengths) Tokens += rowLength;
    }

    /// <summary>The rows' target sequences (sequence-to-sequence), or null.</summary>
    public TokenRows? Targets { get; }

    public int Count => Lengths.Length;

    /// <summary>The longest row's token count, at least 1 so that a batch of empty rows is still a valid tensor.</summary>
    public int Length { get; }

    public long[] Ids { get; }

    public int[] Lengths { get; }

    /// <summary>Class indices (Boolean: 0/1; key k: k − 1), or null without a label column.</summary>
    public long[]? Labels { get; }

    public int Tokens { get; }

    public int PaddedPositions => Count * Length - Tokens;

    /// <summary>The ids as an int64 tensor [Count, Length] on <paramref name="device"/>.</summary>
    public Tensor IdsTensor(Device device) => tensor(Ids, [Count, Length], device: device);

    /// <summary>The labels as an int64 tensor [Count] on <paramref name="device"/>.</summary>
    public Tensor LabelsTensor(Device device)
        => tensor(Labels ?? throw new InvalidOperationException("This batch has no labels."), [Count], device: device);
}

/// <summary>Token rows packed row-major as [Count, Length], padding after each row's <see cref="Lengths"/> tokens.</summary>
internal sealed record TokenRows(long[] Ids, int[] Lengths, int Length)
{
    public int Tokens => Lengths.Sum();
}
