using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>The seed fixes initialization, shuffling and dropout: same seed, same scores bit for bit.</summary>
[Collection(SerialTraining.Name)]
public class ClassifierDeterminismTests
{
    private static float[] Scores(int contextSeed, int? seed)
    {
        var ml = new MLContext(contextSeed);
        IDataView data = ClassifierData.Binary(ml, 128);
        var options = ClassifierData.Options(epochs: 2);
        (options.Seed, options.Shape.Dropout) = (seed, 0.1);
        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(data);
        return ClassifierData.Floats(model.Transform(data));
    }

    [Fact]
    public void SameSeedSameScoresOtherSeedOtherScores()
    {
        float[] first = Scores(contextSeed: 1, seed: 5);
        Assert.Equal(first, Scores(contextSeed: 2, seed: 5));
        Assert.NotEqual(first, Scores(contextSeed: 1, seed: 6));
    }

    [Fact]
    public void WithoutASeedTheContextSeedDecides()
    {
        float[] first = Scores(contextSeed: 3, seed: null);
        Assert.Equal(first, Scores(contextSeed: 3, seed: null));
        Assert.NotEqual(first, Scores(contextSeed: 4, seed: null));
    }

    [Fact]
    public void TheSeedAloneFixesEveryInitialWeightHeadBiasIncluded()
    {
        var config = new TransformerConfig
        {
            ModelDimension = 8, Heads = 2, EncoderLayers = 1, DecoderLayers = 0, MaxLength = 8, SourceVocabularySize = 20,
        }.Validate();
        List<TensorData> Initial(int globalSeed)
        {
            manual_seed(globalSeed);   // libtorch's global generator must not matter
            using var model = new TransformerClassifierModel(config, ClassifierPooling.Mean, outputs: 3, seed: 7);
            return ModuleState.Export(model);
        }
        List<TensorData> first = Initial(1), second = Initial(2);
        Assert.Equal(first.Select(t => t.Name), second.Select(t => t.Name));
        Assert.All(first.Zip(second), p => Assert.True(p.First.Data.AsSpan().SequenceEqual(p.Second.Data), p.First.Name));
    }
}
