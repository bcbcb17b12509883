using Microsoft.ML.Transformer.Tests.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>The chunked loss is the plain one: label-smoothed cross-entropy averaged over the labelled positions, the
/// argmax count, and the same gradients, whatever the chunk size, and with the padding that keeps sizes constant.</summary>
public class VocabularyLossTests
{
    [Theory]
    [InlineData(null, 0.0, false)]
    [InlineData(3L, 0.1, false)]    // chunks of 3 over 7 labelled positions: 3 + 3 + 1
    [InlineData(1L, 0.1, false)]
    [InlineData(3L, 0.1, true)]     // padded to 9 positions: 3 + 3 + 3, the last two ignored
    [InlineData(null, 0.1, true)]   // padded to 512 positions (PaddingMultiple) in one chunk
    public void EqualsCrossEntropyOverTheLabelledPositions(long? chunk, double smoothing, bool constantSizes)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        Tensor hidden = randn([2, 5, 8], ScalarType.Float64, generator: generator).requires_grad_();
        Tensor weight = randn([11, 8], ScalarType.Float64, generator: generator).requires_grad_();
        Tensor labels = tensor(new long[,] { { 4, 0, 10, 7, VocabularyLoss.Ignored }, { 3, 3, 9, VocabularyLoss.Ignored, VocabularyLoss.Ignored } });
        var chunkRows = new List<long>();
        Tensor Logits(Tensor h) => h.matmul(weight.t());
        Tensor ChunkLogits(Tensor h) { chunkRows.Add(h.shape[0]); return Logits(h); }

        Tensor fullLogits = Logits(hidden).view(-1, 11);
        Tensor expected = nn.functional.cross_entropy(fullLogits, labels.view(-1), ignore_index: VocabularyLoss.Ignored, label_smoothing: smoothing);
        long expectedCorrect = fullLogits.argmax(-1).eq(labels.view(-1)).sum().item<long>();
        Tensor[] expectedGrads = [.. autograd.grad([expected], [hidden, weight])];

        var (loss, correct) = VocabularyLoss.Compute(hidden, labels, ChunkLogits, 11, smoothing, chunk, constantSizes: constantSizes);
        // 7 labelled positions: padded up to a multiple of the chunk (or of 512), or cut into chunks as they are
        long[] expectedRows = (chunk, constantSizes) switch
        {
            (null, false) => [7], (null, true) => [VocabularyLoss.PaddingMultiple], (3L, false) => [3, 3, 1], (3L, true) => [3, 3, 3], _ => [1, 1, 1, 1, 1, 1, 1],
        };
        Assert.Equal(expectedRows, chunkRows);

        Assert.Equal(expected.item<double>(), loss.item<double>(), 1e-12);
        Assert.Equal(expectedCorrect, correct!.item<long>());
        Tensor[] grads = [.. autograd.grad([loss], [hidden, weight])];
        TensorAssert.Close(expectedGrads[0], grads[0], 1e-12);
        TensorAssert.Close(expectedGrads[1], grads[1], 1e-12);
    }

    [Fact]
    public void PaddingIsRefusedWhenEachChunkWouldSeeIt()
    {
        using var scope = NewDisposeScope();
        Tensor hidden = zeros(1, 3, 4), labels = tensor(new long[,] { { 1, VocabularyLoss.Ignored, 2 } });
        var error = Assert.Throws<ArgumentException>(() => VocabularyLoss.Compute(hidden, labels, h => h, 4, 0, eachChunk: _ => { }, constantSizes: true));
        Assert.Contains("eachChunk", error.Message);
    }
}
