using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary>The same seed gives the same model; another seed another one.</summary>
[Collection(SerialTraining.Name)]
public class Seq2SeqDeterminismTests
{
    private static (string[] Texts, float[] Scores) TrainAndDecode(int seed)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(128, seed: 5, reverse: true));
        SequenceToSequenceOptions options = Seq2SeqData.Options(epochs: 2);
        options.WarmupSteps = null;
        options.Shape.Dropout = 0.1;   // dropout masks must be seeded too
        options.Seed = seed;
        var chain = Seq2SeqData.Fit(ml, data, options);
        using SequenceToSequenceTransformer model = chain.LastTransformer;
        IDataView scored = chain.Transform(data);
        return (Seq2SeqData.Column(scored, "Prediction"), [.. scored.GetColumn<float>("Score")]);
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        var first = TrainAndDecode(11);
        var second = TrainAndDecode(11);
        Assert.Equal(first.Texts, second.Texts);
        Assert.Equal(first.Scores, second.Scores);
        var other = TrainAndDecode(12);
        Assert.NotEqual(first.Scores, other.Scores);
    }
}
