using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>The fused loss is autograd's: the same label-smoothed cross-entropy over the labelled positions, the same
/// correct count and the same gradients of the hidden states, the weight and the bias, whatever the chunk size.</summary>
public class FusedVocabularyLossTests
{
    private static readonly long[,] Labels = { { 4, 0, 10, 7, VocabularyLoss.Ignored }, { 3, 3, 9, VocabularyLoss.Ignored, VocabularyLoss.Ignored } };

    [Theory]
    [InlineData(null, 0.0, false)]
    [InlineData(3L, 0.1, false)]    // chunks of 3 over 7 labelled positions: 3 + 3 + 1
    [InlineData(1L, 0.1, true)]
    [InlineData(null, 0.3, true)]
    public void EqualsAutogradThroughCrossEntropy(long? chunk, double smoothing, bool withBias)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        Tensor hidden = randn([2, 5, 8], ScalarType.Float64, generator: generator).requires_grad_();
        Tensor weight = randn([11, 8], ScalarType.Float64, generator: generator).requires_grad_();
        Tensor? bias = withBias ? randn([11], ScalarType.Float64, generator: generator).requires_grad_() : null;
        Tensor labels = tensor(Labels);
        Tensor[] inputs = bias is null ? [hidden, weight] : [hidden, weight, bias];

        Tensor logits = nn.functional.linear(hidden, weight, bias).view(-1, 11);
        Tensor expected = nn.functional.cross_entropy(logits, labels.view(-1), ignore_index: VocabularyLoss.Ignored, label_smoothing: smoothing);
        long expectedCorrect = logits.argmax(-1).eq(labels.view(-1)).sum().item<long>();
        Tensor[] expectedGrads = [.. autograd.grad([expected], inputs)];

        var (loss, correct) = FusedVocabularyLoss.Compute(hidden, labels, new VocabularyProjection(weight, bias), smoothing, chunkPositions: chunk);
        Tensor[] grads = [.. autograd.grad([loss], inputs)];

        Assert.Equal(expected.item<double>(), loss.item<double>(), 1e-12);
        Assert.Equal(expectedCorrect, correct!.item<long>());
        for (int i = 0; i < inputs.Length; i++)
            Assert.True(TensorAssert.MaxAbsDifference(expectedGrads[i], grads[i]) < 1e-12, $"gradient {i}: max |Δ| {TensorAssert.MaxAbsDifference(expectedGrads[i], grads[i]):G3}");
    }

    [Fact]
    public void WithoutGradientsItOnlyMeasures()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        Tensor hidden = randn([2, 5, 8], ScalarType.Float64, generator: generator);
        Tensor weight = randn([11, 8], ScalarType.Float64, generator: generator).requires_grad_();
        Tensor expected = nn.functional.cross_entropy(hidden.matmul(weight.t()).view(-1, 11), tensor(Labels).view(-1), ignore_index: VocabularyLoss.Ignored);
        Tensor loss;
        using (no_grad()) (loss, _) = FusedVocabularyLoss.Compute(hidden, tensor(Labels), new VocabularyProjection(weight, null), 0);
        Assert.False(loss.requires_grad);
        Assert.Equal(expected.item<double>(), loss.item<double>(), 1e-12);
    }

    [Fact]
    public void UnderBf16AutocastItStaysCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        Tensor hidden = randn([64, 32], generator: generator).requires_grad_();
        Tensor weight = randn([500, 32], generator: generator).mul_(0.2).requires_grad_();
        Tensor labels = randint(0, 500, [64], generator: generator);
        Tensor Gradient(ScalarType? precision, out double lossValue)
        {
            hidden.grad?.zero_();
            weight.grad?.zero_();
            Tensor loss;
            using (Autocast.Enable(precision)) (loss, _) = FusedVocabularyLoss.Compute(hidden, labels, new VocabularyProjection(weight, null), 0.1);
            loss.backward();
            lossValue = loss.item<float>();
            return cat([hidden.grad!.flatten(), weight.grad!.flatten()]);
        }
        Tensor full = Gradient(null, out double fullLoss), mixed = Gradient(ScalarType.BFloat16, out double mixedLoss);
        Assert.Equal(fullLoss, mixedLoss, 0.02 * fullLoss);
        double difference = TensorAssert.MaxAbsDifference(full, mixed), scale = full.abs().max().item<float>();
        Assert.True(difference > 0, "bf16 was not used");
        Assert.True(difference < 0.05 * scale, $"max |Δ| {difference:G3} vs max |gradient| {scale:G3}");
    }
}
