using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Label-smoothed cross-entropy over a vocabulary, and the count of positions whose most probable token is the label,
/// computed from the model's last hidden states a chunk of positions at a time. Positions labelled
/// <see cref="Ignored"/> (padding) are dropped before the projection, so they cost nothing. Chunks keep every float32
/// logits tensor — and the softmax and gradient tensors of its size — under 16 MB: glibc serves bigger blocks straight
/// from the OS (mmap above 32 MB), page by page, on every step: converting [1,600 × 8,000] bf16 logits to float32 took
/// 82 ms and the cross-entropy over them 91 ms, against 6.6 ms for an argmax over the same data.
/// </summary>
internal static class VocabularyLoss
{
    /// <summary>The label of a position that has none (cross_entropy's usual ignore_index).</summary>
    public const long Ignored = -100;

    private const long ChunkBytes = 16L << 20;

    /// <summary>What <c>constantSizes</c> rounds the labelled positions up to: at most 511 positions of padding, ≈ 4 % of
    /// the head's work at BERT's 15 % of 32 × 512 tokens, and one or two sizes over a whole pretraining.</summary>
    public const long PaddingMultiple = 512;

    /// <param name="hidden">[..., d_model], the positions' last hidden states.</param>
    /// <param name="labels">[...] int64 token ids, or <see cref="Ignored"/>.</param>
    /// <param name="logits">The model's projection: hidden [n, d_model] → float32 logits [n, V].</param>
    /// <param name="chunkPositions">Positions per chunk; null: as many as keep a chunk's logits within 16 MB.</param>
    /// <param name="countCorrect">Also count the positions whose argmax is the label (an argmax per chunk).</param>
    /// <param name="eachChunk">Sees each chunk's logits [n, V] (with their graph), in the order of the labelled positions
    /// (row-major), e.g. to sample from them; a tensor it keeps must leave this method's dispose scope
    /// (<c>MoveToOuterDisposeScope</c>).</param>
    /// <param name="constantSizes">Pad the labelled positions with ignored ones up to a multiple of
    /// <see cref="PaddingMultiple"/> positions (or of the chunk, when smaller), so that the steps of a training whose
    /// batches keep one shape and vary only in how many positions are labelled (masked-language-model pretraining)
    /// allocate the same sizes every step. With sizes that differ from step to step, glibc's heaps fragmented: a 7-epoch
    /// pretraining's peak resident set grew by 27 %, and by 3 % with this padding (docs/pretraining.md).</param>
    /// <returns>The mean loss over the labelled positions (a scalar with a graph) and the correct count (a scalar; null
    /// unless <paramref name="countCorrect"/>).</returns>
    public static (Tensor Loss, Tensor? Correct) Compute(Tensor hidden, Tensor labels, Func<Tensor, Tensor> logits, int vocabularySize,
        double labelSmoothing, long? chunkPositions = null, bool countCorrect = true, Action<Tensor>? eachChunk = null, bool constantSizes = false)
    {
        if (constantSizes && eachChunk is not null)
            throw new ArgumentException("constantSizes pads the labelled positions, which eachChunk would see: use one or the other.", nameof(constantSizes));
        using var scope = NewDisposeScope();
        var (flatHidden, flatLabels, positions) = Labelled(hidden, labels);
        long chunk = chunkPositions ?? ChunkPositions(vocabularySize), multiple = Math.Min(chunk, PaddingMultiple);
        if (constantSizes && positions % multiple != 0)
        {
            // the padding repeats the first labelled position and is labelled Ignored: cross_entropy gives it no loss and no gradient
            long padding = multiple - positions % multiple;
            flatHidden = cat([flatHidden, flatHidden.index_select(0, zeros(padding, ScalarType.Int64, hidden.device))], 0);
            flatLabels = cat([flatLabels, full(padding, KeptScalars.Of(Ignored), ScalarType.Int64, hidden.device)], 0);
        }
        long rows = flatLabels.shape[0];
        Tensor lossSum = zeros(1, dtype: ScalarType.Float32, device: hidden.device).squeeze(), correct = zeros(1, ScalarType.Int64, hidden.device).squeeze();
        for (long start = 0; start < rows; start += chunk)
        {
            long length = Math.Min(chunk, rows - start);
            Tensor chunkLabels = flatLabels.narrow(0, start, length);
            Tensor chunkLogits = logits(flatHidden.narrow(0, start, length));
            eachChunk?.Invoke(chunkLogits);
            // scalars kept alive through the native calls (Modules/KeptScalars says why)
            lossSum = lossSum.add(nn.functional.cross_entropy(chunkLogits, chunkLabels, reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing),
                KeptScalars.One);
            if (countCorrect) correct = correct.add(chunkLogits.argmax(-1).eq(chunkLabels).sum(), KeptScalars.One);
        }
        using Scalar labelledPositions = Math.Max(positions, 1);
        return (lossSum.div(labelledPositions).MoveToOuterDisposeScope(), countCorrect ? correct.MoveToOuterDisposeScope() : null);
    }

    /// <summary>Positions per chunk that keep a chunk's float32 logits within 16 MB.</summary>
    public static long ChunkPositions(long vocabularySize) => Math.Max(1, ChunkBytes / (sizeof(float) * vocabularySize));

    /// <summary>The labelled positions' hidden states [n, d_model] (with their graph) and labels [n], and n; the
    /// tensors are in the caller's dispose scope.</summary>
    public static (Tensor Hidden, Tensor Labels, long Positions) Labelled(Tensor hidden, Tensor labels)
    {
        Tensor flatHidden = hidden.reshape(-1, hidden.shape[^1]), flatLabels = labels.reshape(-1);
        Tensor labelled = flatLabels.ne(KeptScalars.Of(Ignored)).nonzero().squeeze(1);
        long positions = labelled.shape[0];
        return positions < flatLabels.shape[0]
            ? (flatHidden.index_select(0, labelled), flatLabels.index_select(0, labelled), positions)
            : (flatHidden, flatLabels, positions);
    }
}
