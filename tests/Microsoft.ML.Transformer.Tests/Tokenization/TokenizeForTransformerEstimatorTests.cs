using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>In the manner of ML.NET's TestEstimatorCore: promised schema = delivered schema, bad input fails in
/// GetOutputSchema and in Fit, and save → load in a new MLContext gives identical values.</summary>
public class TokenizeForTransformerEstimatorTests
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";

        public float Score { get; set; }
    }

    internal static IDataView Data(MLContext ml, IEnumerable<string>? texts = null)
        => ml.Data.LoadFromEnumerable((texts ?? TextTokenizerTests.Corpus).Select((t, i) => new TextRow { Text = t, Score = i }));

    public static TheoryData<TokenizerOptions> OptionVariants =>
    [
        new TokenizerOptions { VocabularySize = 300, MinimumFrequency = 1 },
        new TokenizerOptions { VocabularySize = 300, MinimumFrequency = 1, PadToMaxLength = true, MaxLength = 16, LengthColumnName = "Length" },
        new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, OutputAsKeys = true, AddBeginOfSequence = true, AddEndOfSequence = true },
        new TokenizerOptions { Kind = TokenizerKind.Character, LowerCase = true, StripHtmlTags = true, Truncation = TruncationSide.Left, MaxLength = 10 },
        new TokenizerOptions { Kind = TokenizerKind.Gpt2, AddClassificationToken = true, LengthColumnName = "Length" },
    ];

    [Theory]
    [MemberData(nameof(OptionVariants))]
    public void PromisedSchemaIsTheDeliveredSchema(TokenizerOptions options)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        var estimator = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", options);

        SchemaShape promised = estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
        DataViewSchema delivered = estimator.Fit(data).GetOutputSchema(data.Schema);

        Assert.Equal(promised.Select(c => c.Name).Order(), delivered.Select(c => c.Name).Order());
        foreach (SchemaShape.Column expected in promised)
        {
            SchemaShape.Column actual = SchemaShape.Create(delivered).Single(c => c.Name == expected.Name);
            Assert.Equal(expected.Kind, actual.Kind);
            Assert.Equal(expected.IsKey, actual.IsKey);
            Assert.Equal(expected.ItemType.RawType, actual.ItemType.RawType);
        }
    }

    [Theory]
    [MemberData(nameof(OptionVariants))]
    public void SavedAndReloadedInANewContextGivesIdenticalValues(TokenizerOptions options)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        ITransformer model = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", options).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;

        var other = new MLContext();
        ITransformer loaded = other.Model.Load(stream, out DataViewSchema inputSchema);

        Assert.Equal(data.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
        Assert.Equal(ReadAll(model.Transform(data)), ReadAll(loaded.Transform(Data(other))));
    }

    [Theory]
    [InlineData("Review", "Could not find input column 'Review'")] // missing
    [InlineData("Score", "Schema mismatch for input column 'Score': expected String, got Single")] // not text
    public void BadInputColumnFailsInGetOutputSchemaAndFitNamingTheColumn(string column, string message)
    {
        var ml = new MLContext();
        IDataView data = Data(ml);
        var estimator = ml.Transforms.Text.TokenizeForTransformer("Tokens", column);
        Assert.Contains(message, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema))).Message);
        Assert.Contains(message, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data)).Message);
    }

    [Fact]
    public void FittedTransformerRejectsANonTextColumnAtTransform()
    {
        var ml = new MLContext();
        ITransformer model = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text").Fit(Data(ml));
        IDataView wrong = ml.Data.LoadFromEnumerable([new { Text = 3.5f }]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(wrong));
        Assert.Contains("'Text'", error.Message);
    }

    [Fact]
    public void EmptyDataCannotTrainAVocabulary()
    {
        var ml = new MLContext();
        var error = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text").Fit(Data(ml, ["", "  "])));
        Assert.Contains("column 'Text' has no non-empty text in 2 row(s)", error.Message);
    }

    [Fact]
    public void MaxRowsForFittingLimitsTheRowsRead()
    {
        var ml = new MLContext();
        var options = new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxRowsForFitting = 1 };
        var model = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", options).Fit(Data(ml));
        // Only "The movie was wonderful, the acting was great." was read: 9 distinct tokens.
        Assert.Equal(SpecialTokens.Count + 9, model.VocabularySize);
    }

    [Fact]
    public void WorksInAPredictionEngineWithNullAndEmptyText()
    {
        var ml = new MLContext();
        var model = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text",
            new TokenizerOptions { Kind = TokenizerKind.Character, AddEndOfSequence = true, LengthColumnName = "Length" }).Fit(Data(ml));
        var engine = ml.Model.CreatePredictionEngine<TextRow, TokenRow>(model);
        Assert.Equal([SpecialTokens.EndOfSequence], engine.Predict(new TextRow { Text = null! }).Tokens);
        TokenRow the = engine.Predict(new TextRow { Text = "the" });
        Assert.Equal("the", model.Decode(the.Tokens));
        Assert.Equal(4, the.Length);
    }

    [Fact]
    public void MixesWithOrdinaryMLNetTransforms()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        var pipeline = ml.Transforms.Text.NormalizeText("Clean", "Text", keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeForTransformer("Tokens", "Clean", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, OutputAsKeys = true }))
            .Append(ml.Transforms.Text.ProduceNgrams("Bigrams", "Tokens", ngramLength: 2))
            .Append(ml.Transforms.Concatenate("Features", "Bigrams", "Score"));
        var model = pipeline.Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        Assert.Equal(ReadFloats(model.Transform(data), "Features"), ReadFloats(loaded.Transform(data), "Features"));
    }

    public sealed class TokenRow
    {
        public int[] Tokens { get; set; } = [];

        public int Length { get; set; }
    }

    internal static List<string> ReadAll(IDataView data)
    {
        // Every column, rendered as text: the comparison covers ids, keys and lengths alike.
        var rows = new List<string>();
        var columns = data.Schema.Where(c => c.Name is "Tokens" or "Length").ToArray();
        using var cursor = data.GetRowCursor(columns);
        var getters = columns.Select(c => MakeStringGetter(cursor, c)).ToArray();
        while (cursor.MoveNext()) rows.Add(string.Join(" | ", getters.Select(g => g())));
        return rows;
    }

    private static Func<string> MakeStringGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType { ItemType: KeyDataViewType }:
            {
                var getter = cursor.GetGetter<VBuffer<uint>>(column);
                VBuffer<uint> value = default;
                return () => { getter(ref value); return "keys " + string.Join(",", value.DenseValues()); };
            }
            case VectorDataViewType:
            {
                var getter = cursor.GetGetter<VBuffer<int>>(column);
                VBuffer<int> value = default;
                return () => { getter(ref value); return $"ids[{value.Length}] " + string.Join(",", value.DenseValues()); };
            }
            default:
            {
                var getter = cursor.GetGetter<int>(column);
                int value = 0;
                return () => { getter(ref value); return "length " + value; };
            }
        }
    }

    private static List<float[]> ReadFloats(IDataView data, string column)
        => data.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToList();
}
