using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class EncoderTests
{
    [Fact]
    public void WithoutPositionsTheEncoderIsPermutationEquivariant()
    {
        // "Transformers from scratch": self-attention sees a set — permuting the input permutes the output.
        using var scope = NewDisposeScope();
        var (embedding, encoder) = Build(PositionalEncodingKind.None);
        Tensor ids = tensor(new long[,] { { 7, 3, 9, 4, 12 } });
        Tensor permutation = tensor(new long[] { 3, 0, 4, 1, 2 });

        Tensor output = encoder.Forward(embedding.Forward(ids), null);
        Tensor permutedOutput = encoder.Forward(embedding.Forward(ids.index_select(1, permutation)), null);

        TensorAssert.Close(output.index_select(1, permutation), permutedOutput, 1e-5);
    }

    [Theory]
    [InlineData(PositionalEncodingKind.Sinusoidal)]
    [InlineData(PositionalEncodingKind.SinusoidalConcatenated)]
    [InlineData(PositionalEncodingKind.Learned)]
    public void WithPositionsOrderMatters(PositionalEncodingKind positional)
    {
        using var scope = NewDisposeScope();
        var (embedding, encoder) = Build(positional);
        Tensor ids = tensor(new long[,] { { 7, 3, 9, 4, 12 } });
        Tensor permutation = tensor(new long[] { 3, 0, 4, 1, 2 });

        Tensor output = encoder.Forward(embedding.Forward(ids), null);
        Tensor permutedOutput = encoder.Forward(embedding.Forward(ids.index_select(1, permutation)), null);

        Assert.True(TensorAssert.MaxAbsDifference(output.index_select(1, permutation), permutedOutput) > 1e-2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutputsAreLayerNormalizedPerPosition(bool normFirst)
    {
        // Post-LN ends each layer with LayerNorm; pre-LN ends the stack with one. Either way each output vector has
        // mean 0 and variance 1 (gains start at 1, biases at 0).
        using var scope = NewDisposeScope();
        var (embedding, encoder) = Build(PositionalEncodingKind.Sinusoidal, normFirst);
        Tensor output = encoder.Forward(embedding.Forward(tensor(new long[,] { { 7, 3, 9 }, { 1, 2, 0 } })), null);
        TensorAssert.Close(zeros(2, 3), output.mean([-1]), 1e-5);
        TensorAssert.Close(ones(2, 3), output.var(-1, unbiased: false), 1e-3);
    }

    [Fact]
    public void PaddingDoesNotChangeTheRealPositions()
    {
        using var scope = NewDisposeScope();
        var (embedding, encoder) = Build(PositionalEncodingKind.Sinusoidal);
        Tensor shortIds = tensor(new long[,] { { 7, 3, 9 } });
        Tensor paddedIds = tensor(new long[,] { { 7, 3, 9, 0, 0, 0 } });

        Tensor shortOutput = encoder.Forward(embedding.Forward(shortIds), AttentionMasks.KeyPadding(shortIds, 0));
        Tensor paddedOutput = encoder.Forward(embedding.Forward(paddedIds), AttentionMasks.KeyPadding(paddedIds, 0));

        TensorAssert.Close(shortOutput, paddedOutput[.., ..3], 1e-5);
    }

    [Fact]
    public void RecorderGetsOneWeightMatrixPerLayerAndTheSameOutput()
    {
        using var scope = NewDisposeScope();
        var (embedding, encoder) = Build(PositionalEncodingKind.Sinusoidal);
        Tensor x = embedding.Forward(tensor(new long[,] { { 7, 3, 9, 4 } }));
        using var recorder = new AttentionRecorder();

        Tensor recorded;
        using (recorder.Attach(encoder)) recorded = encoder.Forward(x, null);

        TensorAssert.Close(encoder.Forward(x, null), recorded, 1e-5);
        Assert.Equal([(AttentionKind.EncoderSelf, 0), (AttentionKind.EncoderSelf, 1)], recorder.Records.Select(r => (r.Kind, r.Layer)));
        Assert.All(recorder.Records, r => Assert.Equal(new long[] { 1, 4, 4, 4 }, r.Weights.shape));
    }

    [Fact]
    public void RecorderRecordsOnlyTheAttachedModelOnThisThreadInsideTheScope()
    {
        using var scope = NewDisposeScope();
        var (embedding, encoder) = Build(PositionalEncodingKind.Sinusoidal);
        var (_, other) = Build(PositionalEncodingKind.Sinusoidal);
        Tensor x = embedding.Forward(tensor(new long[,] { { 7, 3, 9, 4 } }));
        using var recorder = new AttentionRecorder();

        using (recorder.Attach(encoder))
        {
            other.Forward(x, null);
            var elsewhere = new Thread(() => { using var inner = NewDisposeScope(); encoder.Forward(x, null); });
            elsewhere.Start();
            elsewhere.Join();
        }
        encoder.Forward(x, null);

        Assert.Empty(recorder.Records);
    }

    [Fact]
    public void SameSeedSameParametersDifferentSeedDifferent()
    {
        using var scope = NewDisposeScope();
        float[] Parameters(long seed)
        {
            using var encoder = new Encoder(TinyModels.Config());
            ParameterInitialization.Initialize(encoder, seed);
            return cat(encoder.parameters().Select(p => p.flatten()).ToArray()).data<float>().ToArray();
        }
        Assert.Equal(Parameters(5), Parameters(5));
        Assert.NotEqual(Parameters(5), Parameters(6));
    }

    private static (TransformerEmbedding, Encoder) Build(PositionalEncodingKind positional, bool normFirst = false)
    {
        var config = TinyModels.Config(normFirst, positional);
        var embedding = new TransformerEmbedding(config.SourceVocabularySize, config);
        var encoder = new Encoder(config);
        ParameterInitialization.Initialize(embedding, 1);
        ParameterInitialization.Initialize(encoder, 2);
        return (embedding, encoder);
    }
}
