using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tests.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Embedding;

/// <summary>TestEstimatorCore-style checks of EmbedAndPositionEncode plus the values it must compute.</summary>
public class EmbedAndPositionEncodeEstimatorTests
{
    public sealed class Review
    {
        public bool Label { get; set; }

        public string Text { get; set; } = "";
    }

    private static readonly string[] Words = ["movie", "film", "plot", "actor", "scene", "story", "music", "ending"];

    internal static IDataView Reviews(MLContext ml, int count = 40)
        => ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new Review
        {
            Label = i % 2 == 0,
            Text = $"the {Words[i % Words.Length]} was {(i % 2 == 0 ? "good" : "bad")} and the {Words[(i * 3) % Words.Length]} {(i % 3 == 0 ? "too" : "")}",
        }));

    private static ITransformer Tokenizer(MLContext ml, IDataView data, bool keys = false, bool pad = false)
        => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text",
            new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 12, OutputAsKeys = keys, PadToMaxLength = pad })
            .Fit(data);

    public static TheoryData<string> Variants => ["sequence", "mean", "keys", "padded", "learned"];

    private static (EmbeddingOptions Options, bool Keys, bool Pad) Variant(string name) => name switch
    {
        "mean" => (new EmbeddingOptions { ModelDimension = 8, Pooling = EmbeddingPooling.Mean, Seed = 3 }, false, false),
        "keys" => (new EmbeddingOptions { ModelDimension = 8, Seed = 3 }, true, false),
        "padded" => (new EmbeddingOptions { ModelDimension = 8, Seed = 3, ScoringBlockSize = 7 }, false, true),
        "learned" => (new EmbeddingOptions { ModelDimension = 8, Seed = 3, Positional = PositionalEncodingKind.Learned, MaxLength = 16 }, false, false),
        _ => (new EmbeddingOptions { ModelDimension = 8, Seed = 3, MaxLength = 16 }, false, false),
    };

    private static (IDataView Tokens, EmbedAndPositionEncodeEstimator Estimator) Setup(MLContext ml, string variant)
    {
        var (options, keys, pad) = Variant(variant);
        IDataView data = Reviews(ml);
        IDataView tokens = Tokenizer(ml, data, keys, pad).Transform(data);
        return (tokens, ml.Transforms.Text.EmbedAndPositionEncode("Embedding", "Tokens", options));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PromisedSchemaIsTheDeliveredSchema(string variant)
    {
        var ml = new MLContext(seed: 1);
        var (tokens, estimator) = Setup(ml, variant);
        SchemaShape promised = estimator.GetOutputSchema(SchemaShape.Create(tokens.Schema));
        using EmbeddingTransformer model = estimator.Fit(tokens);
        DataViewSchema delivered = model.GetOutputSchema(tokens.Schema);

        Assert.Equal(promised.Select(c => c.Name).Order(), delivered.Select(c => c.Name).Order());
        SchemaShape.Column actual = SchemaShape.Create(delivered).Single(c => c.Name == "Embedding");
        SchemaShape.Column expected = promised.Single(c => c.Name == "Embedding");
        Assert.Equal((expected.Kind, expected.ItemType), (actual.Kind, actual.ItemType));
        var type = (VectorDataViewType)delivered["Embedding"].Type;
        Assert.Equal(variant == "mean" ? [8] : new[] { model.MaxLength, 8 }, type.Dimensions.ToArray());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void BlockTransformRowByRowAndReloadedModelAgree(string variant)
    {
        var ml = new MLContext(seed: 1);
        var (tokens, estimator) = Setup(ml, variant);
        using EmbeddingTransformer model = estimator.Fit(tokens);
        float[][] blocks = Read(model.Transform(tokens));

        // Row by row, through ML.NET's row-to-row mapper (what PredictionEngine uses).
        IRowToRowMapper mapper = ((ITransformer)model).GetRowToRowMapper(tokens.Schema);
        var rowByRow = new List<float[]>();
        using (var cursor = tokens.GetRowCursor(tokens.Schema))
        using (var row = mapper.GetRow(cursor, mapper.OutputSchema.Where(c => c.Name == "Embedding")))
        {
            var getter = row.GetGetter<VBuffer<float>>(row.Schema["Embedding"]);
            VBuffer<float> value = default;
            while (cursor.MoveNext()) { getter(ref value); rowByRow.Add(value.DenseValues().ToArray()); }
        }
        // A block pads its rows to its longest one, so reductions over positions may round differently (≈1e-7).
        Assert.Equal(blocks.Length, rowByRow.Count);
        for (int i = 0; i < blocks.Length; i++) Assert.Equal(blocks[i], rowByRow[i], (a, b) => Math.Abs(a - b) <= 1e-5f * (1 + Math.Abs(a)));

        using var stream = new MemoryStream();
        ml.Model.Save(model, tokens.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        Assert.Equal(blocks, Read(loaded.Transform(tokens)));
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void SequenceIsTokenEmbeddingTimesSqrtDModelPlusSinusoidAndZeroAtPadding()
    {
        var ml = new MLContext(seed: 1);
        var (tokens, estimator) = Setup(ml, "sequence");
        using EmbeddingTransformer model = estimator.Fit(tokens);
        float[][] output = Read(model.Transform(tokens));
        int[][] ids = ReadIds(tokens);
        float[] table = model.Model.state_dict()["embedding.tokens.weight"].data<float>().ToArray();
        using Tensor sinusoid = SinusoidalPositions.Table(16, 8, concatenated: false);
        float[] pe = sinusoid.data<float>().ToArray();

        for (int row = 0; row < ids.Length; row++)
            for (int pos = 0; pos < 16; pos++)
                for (int j = 0; j < 8; j++)
                {
                    float expected = pos < ids[row].Length ? table[ids[row][pos] * 8 + j] * MathF.Sqrt(8) + pe[pos * 8 + j] : 0;
                    Assert.Equal(expected, output[row][pos * 8 + j], 4);
                }
    }

    [Fact]
    public void MeanPoolingAveragesTheTokenPositions()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Reviews(ml);
        IDataView tokens = Tokenizer(ml, data).Transform(data);
        var sequence = ml.Transforms.Text.EmbedAndPositionEncode("Embedding", "Tokens", new EmbeddingOptions { ModelDimension = 8, Seed = 5, MaxLength = 12 }).Fit(tokens);
        var pooled = ml.Transforms.Text.EmbedAndPositionEncode("Embedding", "Tokens", new EmbeddingOptions { ModelDimension = 8, Seed = 5, MaxLength = 12, Pooling = EmbeddingPooling.Mean }).Fit(tokens);
        float[][] full = Read(sequence.Transform(tokens)), mean = Read(pooled.Transform(tokens));
        int[][] ids = ReadIds(tokens);

        for (int row = 0; row < ids.Length; row++)
            for (int j = 0; j < 8; j++)
            {
                float expected = Enumerable.Range(0, ids[row].Length).Average(p => full[row][p * 8 + j]);
                Assert.Equal(expected, mean[row][j], 4);
            }
    }

    [Fact]
    public void SameSeedSameTableAndTheContextSeedIsTheDefault()
    {
        float[][] Embed(int contextSeed, int? seed)
        {
            var ml = new MLContext(contextSeed);
            IDataView data = Reviews(ml);
            IDataView tokens = Tokenizer(ml, data).Transform(data);
            using var model = ml.Transforms.Text.EmbedAndPositionEncode("E", "Tokens", new EmbeddingOptions { ModelDimension = 4, Seed = seed }).Fit(tokens);
            return Read(model.Transform(tokens), "E");
        }
        Assert.Equal(Embed(1, 7), Embed(2, 7));
        Assert.NotEqual(Embed(1, 7), Embed(1, 8));
        Assert.Equal(Embed(4, null), Embed(4, null));
        Assert.NotEqual(Embed(4, null), Embed(5, null));
    }

    [Fact]
    public void PooledVectorsAreFeaturesForAnMLNetTrainer()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Reviews(ml, 200);
        var pipeline = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1 })
            .Append(ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens", new EmbeddingOptions { ModelDimension = 32, Pooling = EmbeddingPooling.Mean, Positional = PositionalEncodingKind.None }))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(featureColumnName: "Features"));
        var model = pipeline.Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        // "good" vs "bad" is one word apart: its vector shifts the mean, which a linear model separates.
        Assert.True(metrics.Accuracy >= 0.95, $"accuracy {metrics.Accuracy}");
    }

    public static TheoryData<bool> Contextual => [false, true];

    [Theory]
    [MemberData(nameof(Contextual))]
    public void TrainedSourceGivesItsEmbeddingOrItsContextualEncoding(bool contextual)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Reviews(ml);
        var tokenizer = (TokenizerTransformer)Tokenizer(ml, data);
        IDataView tokens = tokenizer.Transform(data);
        var config = TinyModels.Config() with { EncoderLayers = 2, DecoderLayers = 0, MaxLength = 12, SourceVocabularySize = tokenizer.VocabularySize };
        using var trained = new TransformerEncoderModel(config, seed: 42);
        var source = new FakeTrainedModel(trained);

        using var model = ml.Transforms.Text.EmbedAndPositionEncode("Embedding", "Tokens", new EmbeddingOptions { Source = source, Contextual = contextual }).Fit(tokens);
        float[][] output = Read(model.Transform(tokens));

        Assert.Equal(contextual, model.IsContextual);
        int[][] ids = ReadIds(tokens);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        trained.eval();
        for (int row = 0; row < ids.Length; row++)
        {
            Tensor input = tensor(ids[row].Select(i => (long)i).ToArray()).unsqueeze(0);
            Tensor expected = contextual ? trained.Forward(input).Hidden : EmbeddingOnly(trained, config).Forward(input).Hidden;
            float[] actual = output[row][..(ids[row].Length * 16)];
            Assert.Equal(expected.flatten().data<float>().ToArray(), actual, (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    private static TransformerEncoderModel EmbeddingOnly(TransformerEncoderModel trained, TransformerConfig config)
    {
        var model = new TransformerEncoderModel(config with { EncoderLayers = 0 }, seed: 0);
        var names = model.state_dict().Keys.ToHashSet();
        ModuleState.Import(model, new TensorSet(ModuleState.Export(trained).Where(t => names.Contains(t.Name)), "test"));
        model.eval();
        return model;
    }

    private sealed class FakeTrainedModel(TransformerEncoderModel model) : ITransformerEncoderSource
    {
        EncoderSnapshot ITransformerEncoderSource.ExportEncoder() => new(model.Config, ModuleState.Export(model));
    }

    [Fact]
    public void NonTokenColumnIsRejectedNamingIt()
    {
        var ml = new MLContext();
        IDataView data = Reviews(ml);
        var estimator = ml.Transforms.Text.EmbedAndPositionEncode("E", "Text");
        string expected = "Schema mismatch for input column 'Text': expected vector of Int32 token ids or of keys";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema))).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data)).Message);
        Assert.Contains("Could not find input column 'Nope'", Assert.Throws<ArgumentOutOfRangeException>(
            () => ml.Transforms.Text.EmbedAndPositionEncode("E", "Nope").Fit(data)).Message);
    }

    public sealed class IdRow
    {
        [VectorType]
        public int[] Tokens { get; set; } = [];
    }

    [Fact]
    public void IdsOutsideTheVocabularyAreNamedWithColumnRowAndValue()
    {
        var ml = new MLContext();
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new IdRow { Tokens = [4, 8, 9] }, new IdRow { Tokens = [4, 10, 99] } });
        using var model = ml.Transforms.Text.EmbedAndPositionEncode("E", "Tokens", new EmbeddingOptions { VocabularySize = 50, ModelDimension = 4, MaxLength = 8 }).Fit(data);
        var error = Assert.ThrowsAny<Exception>(() => Read(model.Transform(data), "E"));
        Assert.Contains("Column 'Tokens', row 1: token id 99 is outside the vocabulary of 50 tokens", Innermost(error).Message);
    }

    [Fact]
    public void MissingVocabularySizeMismatchedVocabularyAndTooLongRowsAreClearErrors()
    {
        var ml = new MLContext();
        IDataView ids = ml.Data.LoadFromEnumerable(new[] { new IdRow { Tokens = [4, 8, 9, 10, 11] } });
        Assert.Contains("set EmbeddingOptions.VocabularySize", Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.EmbedAndPositionEncode("E", "Tokens").Fit(ids)).Message);

        using var short3 = ml.Transforms.Text.EmbedAndPositionEncode("E", "Tokens", new EmbeddingOptions { VocabularySize = 50, MaxLength = 3 }).Fit(ids);
        Assert.Contains("row 0: 5 tokens, more than max_len 3", Innermost(Assert.ThrowsAny<Exception>(() => Read(short3.Transform(ids), "E"))).Message);

        IDataView data = Reviews(ml);
        IDataView tokens = Tokenizer(ml, data).Transform(data);
        var mismatch = ml.Transforms.Text.EmbedAndPositionEncode("E", "Tokens", new EmbeddingOptions { VocabularySize = 5000 });
        Assert.Contains("the tokenizer does not match", Assert.ThrowsAny<Exception>(() => mismatch.Fit(tokens)).Message);
    }

    [Fact]
    public void AMaxLengthBelowTheTokenizersIsAnErrorAtFit()
    {
        var ml = new MLContext();
        IDataView data = Reviews(ml);
        IDataView tokens = Tokenizer(ml, data).Transform(data);   // the tokenizer's MaxLength is 12
        var estimator = ml.Transforms.Text.EmbedAndPositionEncode("E", "Tokens", new EmbeddingOptions { ModelDimension = 8, MaxLength = 6 });
        Assert.Contains("MaxLength (6) is less than the MaxLength (12) of the tokenizer that wrote column 'Tokens'",
            Assert.ThrowsAny<Exception>(() => estimator.Fit(tokens)).Message);
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    internal static float[][] Read(IDataView view, string column = "Embedding")
        => view.GetColumn<VBuffer<float>>(view.Schema[column]).Select(v => v.DenseValues().ToArray()).ToArray();

    private static int[][] ReadIds(IDataView tokens)
        => tokens.GetColumn<VBuffer<int>>(tokens.Schema["Tokens"]).Select(v => v.DenseValues().Where(i => i != 0).ToArray()).ToArray();
}
