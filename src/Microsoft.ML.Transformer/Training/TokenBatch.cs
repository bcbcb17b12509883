using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// One training batch: <see cref="Count"/> rows of token ids packed row-major as [Count, Length] with the padding id
/// after each row's tokens, each row's token count, and each row's label (what its task reads besides the ids).
/// </summary>
internal sealed class TokenBatch<TLabel>
{
    public TokenBatch(long[] ids, int[] lengths, int length, TLabel[] labels)
    {
        (Ids, Lengths, Length, Labels) = (ids, lengths, length, labels);
        foreach (int rowLength in lengths) Tokens += rowLength;
    }

    public int Count => Lengths.Length;

    /// <summary>The longest row's token count, at least 1 so that a batch of empty rows is still a valid tensor.</summary>
    public int Length { get; }

    public long[] Ids { get; }

    public int[] Lengths { get; }

    /// <summary>The rows' labels, in row order.</summary>
    public TLabel[] Labels { get; }

    public int Tokens { get; }

    public int PaddedPositions => Count * Length - Tokens;

    /// <summary>The ids as an int64 tensor [Count, Length] on <paramref name="device"/>.</summary>
    public Tensor IdsTensor(Device device) => tensor(Ids, [Count, Length], device: device);
}
