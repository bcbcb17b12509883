using Microsoft.ML.Transformer.Seq2Seq;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary>The copy task learned end to end, and the decoders checked against each other on the trained model.</summary>
public class Seq2SeqLearningTests(CopyModelFixture fixture, ITestOutputHelper output) : IClassFixture<CopyModelFixture>
{
    private string[] Expected => Seq2SeqData.Column(fixture.Test, "Target");

    private IDataView SourceTokens => fixture.Model.Take(1).Single().Transform(fixture.Test);

    [Fact]
    public void LearnsToCopySequences()
    {
        IDataView scored = fixture.Model.Transform(fixture.Test);
        string[] predicted = Seq2SeqData.Column(scored, "Prediction");
        double exact = Seq2SeqData.ExactMatch(predicted, Expected);
        output.WriteLine($"exact match {exact:P1} after {fixture.TrainingTime.TotalSeconds:F1} s of training; loss/token accuracy per epoch: " +
            string.Join(" | ", fixture.Seq2Seq.TrainingHistory.Select(e => $"{e.TrainingLoss:F3}/{e.TrainingAccuracy:P0}")));
        foreach (var (p, t) in predicted.Zip(Expected).Where(z => z.First != z.Second)) output.WriteLine($"wrong: '{p}' for '{t}'");
        Assert.True(exact >= 0.99, $"exact match {exact:P1}");
    }

    [Fact]
    public void BeamSearchOfFourAlsoCopies()
    {
        var beam = fixture.Seq2Seq.WithDecoding(new DecodingOptions { BeamSize = 4 });   // shares the fixture's weights: not disposed here
        double exact = Seq2SeqData.ExactMatch(Seq2SeqData.Column(beam.Transform(SourceTokens), "Prediction"), Expected);
        Assert.True(exact >= 0.99, $"exact match {exact:P1}");
    }

    [Fact]
    public void BeamOfOneIsGreedySearch()
    {
        var limits = new DecodingLimits(16, 0);
        using var scope = NewDisposeScope();
        Tensor sources = SourceIds();
        DecodedSequence[] greedy = GreedySearch.Decode(fixture.Seq2Seq.Model, sources, limits);
        DecodedSequence[] beam = BeamSearch.Decode(fixture.Seq2Seq.Model, sources, beamSize: 1, lengthPenalty: 0.6, limits);
        Assert.Equal(greedy.Select(d => d.Tokens), beam.Select(d => d.Tokens));
        Assert.Equal(greedy.Select(d => d.LogProbability), beam.Select(d => d.LogProbability));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void CachedDecodingEqualsRerunningThePrefix(int beamSize)
    {
        var limits = new DecodingLimits(16, 0);
        using var scope = NewDisposeScope();
        Tensor sources = SourceIds();
        DecodedSequence[] Decode(bool cache) => beamSize == 1
            ? GreedySearch.Decode(fixture.Seq2Seq.Model, sources, limits, cache)
            : BeamSearch.Decode(fixture.Seq2Seq.Model, sources, beamSize, 0.6, limits, cache);
        DecodedSequence[] cached = Decode(true), rerun = Decode(false);
        Assert.Equal(rerun.Select(d => d.Tokens), cached.Select(d => d.Tokens));
        foreach (var (c, r) in cached.Zip(rerun)) Assert.Equal(r.LogProbability, c.LogProbability, 1e-3f);
    }

    [Fact]
    public void DecodingRespectsTheLengthLimits()
    {
        var shortest = fixture.Seq2Seq.WithDecoding(new DecodingOptions { MaxOutputLength = 2 });
        Assert.All(Tokens(shortest.Transform(SourceTokens)), t => Assert.True(t.Length <= 2, $"{t.Length} tokens"));
        var longest = fixture.Seq2Seq.WithDecoding(new DecodingOptions { MinOutputLength = 9, BeamSize = 2 });
        Assert.All(Tokens(longest.Transform(SourceTokens)), t => Assert.True(t.Length >= 9, $"{t.Length} tokens"));
    }

    [Fact]
    public void ScoreIsTheLogProbabilityOfThePrediction()
    {
        float[] scores = [.. fixture.Model.Transform(fixture.Test).GetColumn<float>("Score")];
        Assert.All(scores, s => Assert.InRange(s, -50f, 0f));
        Assert.True(scores.Average() > Math.Log(0.5), $"mean log-probability {scores.Average()} on a task the model has learned");
    }

    [Fact]
    public void ScoringNeedsOnlyTheSourceColumn()
    {
        IDataView sourceOnly = fixture.Ml.Data.LoadFromEnumerable(Expected.Select(t => new Seq2SeqData.SourceOnly { Source = t }));
        IDataView scored = fixture.Model.Transform(sourceOnly);
        Assert.Null(scored.Schema.GetColumnOrNull("Target"));
        Assert.True(Seq2SeqData.ExactMatch(Seq2SeqData.Column(scored, "Prediction"), Expected) >= 0.99);
    }

    [Fact]
    public void PredictionEngineGivesWhatTransformGives()
    {
        var engine = fixture.Ml.Model.CreatePredictionEngine<Seq2SeqData.SourceOnly, PredictedRow>(fixture.Model);
        IDataView scored = fixture.Model.Transform(fixture.Test);
        string[] texts = Seq2SeqData.Column(scored, "Prediction");
        float[] scores = [.. scored.GetColumn<float>("Score")];
        string[] sources = Seq2SeqData.Column(fixture.Test, "Source");
        for (int i = 0; i < 20; i++)
        {
            PredictedRow one = engine.Predict(new Seq2SeqData.SourceOnly { Source = sources[i] });
            Assert.Equal(texts[i], one.Prediction);
            Assert.Equal(scores[i], one.Score, 1e-4f);
        }
    }

    [Fact]
    public void PromisedSchemaIsDelivered()
    {
        var estimator = fixture.Ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer)
            .Append(fixture.Ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", Seq2SeqData.Options()));
        SchemaShape promised = estimator.GetOutputSchema(SchemaShape.Create(fixture.Test.Schema));
        DataViewSchema delivered = fixture.Model.GetOutputSchema(fixture.Test.Schema);
        foreach (string name in new[] { "Prediction", "PredictionTokens", "Score" })
        {
            Assert.True(promised.TryFindColumn(name, out SchemaShape.Column column), name);
            DataViewType type = delivered[name].Type;
            Assert.Equal(column.ItemType, type.GetItemType());
            Assert.Equal(column.Kind == SchemaShape.Column.VectorKind.VariableVector, type is VectorDataViewType { IsKnownSize: false });
        }
    }

    [Fact]
    public void SavedAndLoadedModelDecodesTheSame()
    {
        IDataView scored = fixture.Model.Transform(fixture.Test);
        using var directory = new Seq2SeqData.TempDirectory();
        string path = directory.Sub("seq2seq.zip");
        fixture.Ml.Model.Save(fixture.Model, fixture.Test.Schema, path);
        var loaded = Assert.IsType<TransformerChain<ITransformer>>(new MLContext().Model.Load(path, out _));
        var seq2seq = Assert.IsType<SequenceToSequenceTransformer>(loaded.LastTransformer);
        using (seq2seq)
        {
            IDataView reloaded = loaded.Transform(fixture.Test);
            Assert.Equal(Seq2SeqData.Column(scored, "Prediction"), Seq2SeqData.Column(reloaded, "Prediction"));
            Assert.Equal(Tokens(scored), Tokens(reloaded));
            Assert.Equal(scored.GetColumn<float>("Score"), reloaded.GetColumn<float>("Score"));
            Assert.Equal(fixture.Seq2Seq.Decoding, seq2seq.Decoding);
            Assert.Equal(fixture.Seq2Seq.TrainingHistory, seq2seq.TrainingHistory);
        }
    }

    [Fact]
    public void EncoderServesAsContextualFeatures()
    {
        var features = fixture.Ml.Transforms.Text.EmbedAndPositionEncode("Features", "SourceTokens",
            new EmbeddingOptions { Source = fixture.Seq2Seq, Contextual = true, Pooling = EmbeddingPooling.Mean }).Fit(SourceTokens);
        float[] first = features.Transform(SourceTokens).GetColumn<float[]>("Features").First();
        Assert.Equal(fixture.Seq2Seq.ModelDimension, first.Length);

        using var scope = NewDisposeScope();
        Tensor ids = SourceIds().narrow(0, 0, 1);
        int length = (int)ids.ne(0).sum().item<long>();
        float[] expected = fixture.Seq2Seq.Model.Encode(ids.narrow(1, 0, length)).Memory.mean([1]).squeeze(0).data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], first[i], 1e-4f);
    }

    private static int[][] Tokens(IDataView scored) => [.. scored.GetColumn<int[]>("PredictionTokens")];

    /// <summary>The test sources as one padded id tensor.</summary>
    private Tensor SourceIds()
    {
        int[][] rows = [.. SourceTokens.GetColumn<int[]>("SourceTokens")];
        int longest = rows.Max(r => r.Length);
        var ids = new long[rows.Length * longest];
        for (int r = 0; r < rows.Length; r++) for (int i = 0; i < rows[r].Length; i++) ids[r * longest + i] = rows[r][i];
        return tensor(ids, [rows.Length, longest]);
    }

    public sealed class PredictedRow
    {
        public string Prediction { get; set; } = "";

        public float Score { get; set; }
    }
}
