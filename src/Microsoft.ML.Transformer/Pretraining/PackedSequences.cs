using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// A token stream (documents separated by [SEP]) packed into full sequences of <c>length</c> tokens, RoBERTa's
/// FULL-SENTENCES input (Liu et al. 2019, section 4.2): [CLS], then the next length − 1 tokens of the stream, across
/// document boundaries, so that no position is padding. A document longer than a sequence continues in the next one;
/// none is dropped. The cuts come from <see cref="TokenWindows"/>: each epoch starts at another random offset (so at
/// most one sequence of tokens at each end of the stream sits out an epoch, other ones every epoch) and visits the
/// sequences in another order; <see cref="DynamicMasking"/> masks them anew, its generator for the batch drawing the
/// batch's <see cref="MaskedBatch.SamplingSeed"/> after the masks.
/// </summary>
internal sealed class PackedSequences
{
    private readonly TokenWindows _windows;
    private readonly DynamicMasking _masking;
    private readonly int _length, _classificationId;

    public PackedSequences(int[] stream, int length, int classificationId, int batchSize, DynamicMasking masking, int seed)
    {
        // windows of `length` tokens one stride of length − 1 apart: the first length − 1 follow [CLS], the last starts the next window
        _windows = new TokenWindows(stream, length - 1, batchSize, seed);
        (_masking, _length, _classificationId) = (masking, length, classificationId);
    }

    /// <summary>Sequences of an epoch that starts at offset 0 (the most any epoch has).</summary>
    public long Count() => _windows.Count();

    /// <summary>The masked batches of <paramref name="epoch"/>; with <paramref name="shuffle"/> false, the sequences from
    /// offset 0 in order (validation: the same sequences and masks whenever the epoch is the same).</summary>
    public IEnumerable<MaskedBatch> Batches(int epoch, bool shuffle = true)
    {
        var sequence = new long[_length];
        long index = 0;
        foreach (WindowBatch window in _windows.Batches(epoch, shuffle))
        {
            Random random = _masking.RandomFor(epoch, index++);
            var inputs = new long[window.Rows * _length];
            var labels = new long[window.Rows * _length];
            int masked = 0;
            for (int row = 0; row < window.Rows; row++)
            {
                sequence[0] = _classificationId;
                window.Ids.AsSpan(row * _length, _length - 1).CopyTo(sequence.AsSpan(1));
                masked += _masking.Apply(sequence, inputs.AsSpan(row * _length, _length), labels.AsSpan(row * _length, _length), random);
            }
            yield return new MaskedBatch(inputs, labels, window.Rows, _length, masked, SamplingSeed: random.NextInt64());
        }
    }
}
