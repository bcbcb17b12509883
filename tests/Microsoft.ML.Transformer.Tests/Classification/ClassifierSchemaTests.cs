namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>TestEstimatorCore-style schema checks: what the estimator promises is what the model delivers, and wrong
/// columns are rejected naming them.</summary>
public class ClassifierSchemaTests
{
    public static TheoryData<string> Kinds => ["binary", "multiclass", "numeric classes", "keys without values"];

    private static (IDataView Data, TransformerClassifierTrainer Trainer) Setup(MLContext ml, string kind)
    {
        var options = ClassifierData.Options(epochs: 1);
        switch (kind)
        {
            case "binary":
                return (ClassifierData.Binary(ml, 64), ml.BinaryClassification.Trainers.Transformer(options));
            case "multiclass":
                return (ClassifierData.Multiclass(ml, 64).Train, ml.MulticlassClassification.Trainers.Transformer(options));
            case "keys without values":
                return (ClassifierData.KeyRows(ml, [.. Enumerable.Range(0, 64).Select(i => (uint)(i % 3 + 1))]),
                    ml.MulticlassClassification.Trainers.Transformer(options));
            default:
                IDataView digits = ml.Data.LoadFromEnumerable(ClassifierData.WhichMarkerNumeric(64, seed: 1));
                return (ml.Transforms.Conversion.MapValueToKey("Label", "Digit").Fit(digits).Transform(digits),
                    ml.MulticlassClassification.Trainers.Transformer(options));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PromisedSchemaIsTheDeliveredSchema(string kind)
    {
        var ml = new MLContext(seed: 1);
        var (data, trainer) = Setup(ml, kind);
        SchemaShape promised = trainer.GetOutputSchema(SchemaShape.Create(data.Schema));
        using TransformerClassifierTransformer model = trainer.Fit(data);
        DataViewSchema delivered = model.GetOutputSchema(data.Schema);
        IDataView transformed = model.Transform(data);

        Assert.Equal(promised.Select(c => c.Name).Order(), delivered.Select(c => c.Name).Order());
        Assert.Equal(delivered.Select(c => (c.Name, c.Type)), transformed.Schema.Select(c => (c.Name, c.Type)));
        string[] outputs = kind == "binary" ? ["Score", "Probability", "PredictedLabel"] : ["Score", "PredictedLabel"];
        Assert.Equal(outputs.Order(), delivered.Select(c => c.Name).Except(data.Schema.Select(c => c.Name)).Order());
        foreach (string name in outputs)
        {
            SchemaShape.Column expected = promised.Single(c => c.Name == name);
            SchemaShape.Column actual = SchemaShape.Create(delivered).Single(c => c.Name == name);
            Assert.True(expected.IsCompatibleWith(actual), $"{name}: promised {expected.GetTypeString()}, delivered {actual.GetTypeString()}");
            Assert.Equal((expected.Kind, expected.ItemType, expected.IsKey), (actual.Kind, actual.ItemType, actual.IsKey));
            Assert.Equal(Annotations(expected), Annotations(actual));
        }

        // The kinds ML.NET's evaluators look for.
        Assert.Equal(kind == "binary" ? "BinaryClassification" : "MulticlassClassification", ScoreColumnKind(delivered["Score"]));
        if (kind == "binary")
        {
            Assert.Equal(BooleanDataViewType.Instance, delivered["PredictedLabel"].Type);
            Assert.NotNull(delivered["Probability"].Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.IsNormalized));
        }
        else
        {
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), delivered["Score"].Type);
            Assert.Equal(new KeyDataViewType(typeof(uint), 3), delivered["PredictedLabel"].Type);
            Assert.Equal(kind != "keys without values", delivered["PredictedLabel"].Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not null);
        }
    }

    private static string[] Annotations(SchemaShape.Column column)
        => [.. column.Annotations.Select(a => $"{a.Name}:{a.GetTypeString()}").Order()];

    private static string ScoreColumnKind(DataViewSchema.Column column)
    {
        var value = default(ReadOnlyMemory<char>);
        column.Annotations.GetValue(AnnotationUtils.Kinds.ScoreColumnKind, ref value);
        return value.ToString();
    }

    public sealed class OddRow
    {
        public int[] Tokens { get; set; } = [];

        public bool Flag { get; set; }

        public float Number { get; set; }

        public string Text { get; set; } = "";

        [VectorType(3)]
        public float[] Floats { get; set; } = [0, 0, 0];
    }

    private static IDataView OddRows(MLContext ml)
        => ml.Data.LoadFromEnumerable(new[] { new OddRow { Tokens = [8, 9], Flag = true, Number = 1 }, new OddRow { Tokens = [10], Number = 2 } });

    private static TransformerClassifierOptions Options(string tokens = "Tokens", string label = "Flag")
    {
        var options = ClassifierData.Options();
        (options.TokensColumnName, options.LabelColumnName) = (tokens, label);
        return options;
    }

    /// <summary>The same error from GetOutputSchema and from Fit.</summary>
    private static void Rejects(IEstimator<ITransformer> estimator, IDataView data, string message)
    {
        Assert.Contains(message, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema))).Message);
        Assert.Contains(message, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data)).Message);
    }

    [Fact]
    public void WrongLabelTypesAreRejectedNamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = OddRows(ml);
        Rejects(ml.BinaryClassification.Trainers.Transformer(Options(label: "Number")), data,
            "Schema mismatch for label column 'Number': expected Boolean, got Single");
        Rejects(ml.MulticlassClassification.Trainers.Transformer(Options(label: "Flag")), data,
            "Schema mismatch for label column 'Flag': expected key of UInt32 (MapValueToKey), got Boolean");
        Rejects(ml.MulticlassClassification.Trainers.Transformer(Options(label: "Number")), data,
            "Schema mismatch for label column 'Number': expected key of UInt32 (MapValueToKey), got Single");
        Rejects(ml.BinaryClassification.Trainers.Transformer(Options(label: "Sentiment")), data, "Could not find label column 'Sentiment'");
    }

    [Theory]
    [InlineData("Nope", "Could not find input column 'Nope'")]
    [InlineData("Text", "Schema mismatch for input column 'Text': expected vector of Int32 token ids or of keys")]
    [InlineData("Floats", "Schema mismatch for input column 'Floats': expected vector of Int32 token ids or of keys")]
    public void MissingOrWrongTypedTokensAreRejectedNamingTheColumn(string column, string message)
    {
        var ml = new MLContext(seed: 1);
        Rejects(ml.BinaryClassification.Trainers.Transformer(Options(tokens: column)), OddRows(ml), message);
    }
}
