using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class ClassifierModelTests
{
    private static Tensor Hidden() => tensor(new float[,,]
    {
        { { 1, -2 }, { 3, 4 }, { 9, 9 } },      // third position is padding
        { { -5, 6 }, { 0, 0 }, { 0, 0 } },      // one token
        { { 7, 7 }, { 8, 8 }, { 9, 9 } },       // no tokens at all
    });

    private static Tensor IsToken() => tensor(new bool[,] { { true, true, false }, { true, false, false }, { false, false, false } });

    [Fact]
    public void MeanMaxAndClassTokenPoolingIgnorePaddingAndEmptyRowsGiveZeros()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(new float[] { 2, 1, -5, 6, 0, 0 }, Pooling.Mean(Hidden(), IsToken()).flatten().data<float>().ToArray());
        Assert.Equal(new float[] { 3, 4, -5, 6, 0, 0 }, Pooling.Max(Hidden(), IsToken()).flatten().data<float>().ToArray());
        Assert.Equal(new float[] { 1, -2, -5, 6, 7, 7 }, Pooling.Apply(ClassifierPooling.ClassToken, Hidden(), IsToken()).flatten().data<float>().ToArray());
    }

    [Theory]
    [InlineData(ClassifierPooling.Mean, 1)]
    [InlineData(ClassifierPooling.Max, 3)]
    [InlineData(ClassifierPooling.ClassToken, 5)]
    public void LogitsHaveOneColumnPerOutputAndIgnorePadding(ClassifierPooling pooling, int outputs)
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config() with { DecoderLayers = 0 };
        using var model = new TransformerClassifierModel(config, pooling, outputs, seed: 1);
        model.eval();
        Tensor shortIds = tensor(new long[,] { { 4, 7, 9 } }), paddedIds = tensor(new long[,] { { 4, 7, 9, 0, 0 } });

        Tensor logits = model.Forward(shortIds);

        Assert.Equal(new long[] { 1, outputs }, logits.shape);
        TensorAssert.Close(logits, model.Forward(paddedIds), 1e-5);
    }

    [Fact]
    public void BodyStateIsTheEncoderModelsState()
    {
        using var model = new TransformerClassifierModel(TinyModels.Config() with { DecoderLayers = 0 }, ClassifierPooling.Mean, 2, seed: 1);
        var bodyNames = model.Body.state_dict().Keys.ToHashSet();
        Assert.Contains("embedding.tokens.weight", bodyNames);
        Assert.Contains("encoder.layers.1.feed_forward.w_2.weight", bodyNames);
        Assert.Equal(bodyNames.Select(n => "body." + n).Append("head.weight").Append("head.bias").Order(), model.state_dict().Keys.Order());
    }
}
