namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>All sequence metrics at once, from lists and from an IDataView, and the data view's input errors.</summary>
public class SequenceEvaluatorTests
{
    private static readonly string[] Predicted = ["AY1 DH ER0", "T AH0 M AE1 T OW2", "R R IY1 D"];

    private static readonly string[][] Pronunciations =
    [
        ["IY1 DH ER0", "AY1 DH ER0"],
        ["T AH0 M EY1 T OW2", "T AH0 M AA1 T OW2"],
        ["R EH1 D", "R IY1 D"],
    ];

    [Fact]
    public void G2PExampleGivesEveryMetric()
    {
        SequenceMetrics metrics = SequenceEvaluator.Evaluate(Predicted, Pronunciations);

        Assert.Equal(3, metrics.Count);
        Assert.Equal(1.0 / 3, metrics.ExactMatch, 15);
        Assert.Equal(2.0 / 3, metrics.SequenceErrorRate, 15);
        // closest references have 3 + 6 + 3 phonemes; edits 0 + 1 + 1
        Assert.Equal((2L, 12L), (metrics.TokenEdits, metrics.ReferenceTokens));
        Assert.Equal(2.0 / 12, metrics.TokenErrorRate, 15);
        // same position: 3 of 3, 5 of 6, and for "R R IY1 D" against "R IY1 D" only the first R (the insertion
        // shifts the rest): 9 / 12, below 1 − PER = 10 / 12
        Assert.Equal(9.0 / 12, metrics.TokenAccuracy, 15);
        Assert.Equal(Bleu.Compute(Predicted, Pronunciations).ToString(), metrics.Bleu.ToString());
    }

    [Fact]
    public void PerfectOutputsScoreFullMarks()
    {
        SequenceMetrics metrics = SequenceEvaluator.Evaluate(["HH AH0 L OW1", "W ER1 L D"], ["HH AH0 L OW1", "W ER1 L D"]);
        Assert.Equal((1.0, 0.0, 0.0, 1.0), (metrics.ExactMatch, metrics.SequenceErrorRate, metrics.TokenErrorRate, metrics.TokenAccuracy));
        Assert.Equal(100.0, metrics.Bleu.Score, 1e-9);
    }

    private sealed class Row
    {
        public string Reference { get; set; } = "";
        public string Prediction { get; set; } = "";
        public float Score { get; set; }
    }

    private static IDataView Data(MLContext ml, params (string Reference, string Prediction)[] rows)
        => ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Reference = r.Reference, Prediction = r.Prediction }));

    [Fact]
    public void DataViewGivesTheSameMetricsAsLists()
    {
        var ml = new MLContext(seed: 1);
        string[] references = ["the cat sat on the mat", "hello world"];
        string[] predictions = ["the cat sit on mat", "hello world"];
        IDataView data = Data(ml, references.Zip(predictions).ToArray());

        SequenceMetrics fromData = SequenceEvaluator.Evaluate(data, nameof(Row.Reference), nameof(Row.Prediction));
        SequenceMetrics fromLists = SequenceEvaluator.Evaluate(predictions, references);

        Assert.Equal(fromLists with { Bleu = fromData.Bleu }, fromData);
        Assert.Equal(fromLists.Bleu.ToString(), fromData.Bleu.ToString());
        Assert.Equal((2, 0.5, 2.0 / 8), (fromData.Count, fromData.ExactMatch, fromData.TokenErrorRate));
    }

    [Fact]
    public void ColumnsAreNotSwapped()
    {
        // a longer prediction is penalized by insertions over the reference's length, not the other way round
        IDataView data = Data(new MLContext(seed: 1), ("a", "a b c"));
        Assert.Equal(2.0, SequenceEvaluator.Evaluate(data, nameof(Row.Reference), nameof(Row.Prediction)).TokenErrorRate);
    }

    [Fact]
    public void MissingColumnIsNamed()
    {
        IDataView data = Data(new MLContext(seed: 1), ("a", "a"));
        var error = Assert.Throws<ArgumentException>(() => SequenceEvaluator.Evaluate(data, "Label", nameof(Row.Prediction)));
        Assert.Contains("'Label'", error.Message);
        Assert.Equal("referenceColumnName", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => SequenceEvaluator.Evaluate(data, nameof(Row.Reference), "PredictedText"));
        Assert.Contains("'PredictedText'", error.Message);
        Assert.Equal("predictionColumnName", error.ParamName);
    }

    [Fact]
    public void NonTextColumnIsNamed()
    {
        IDataView data = Data(new MLContext(seed: 1), ("a", "a"));
        var error = Assert.Throws<ArgumentException>(() => SequenceEvaluator.Evaluate(data, nameof(Row.Reference), nameof(Row.Score)));
        Assert.Contains("'Score' must be text", error.Message);
        Assert.Equal("predictionColumnName", error.ParamName);
    }

    [Fact]
    public void EmptyDataViewIsAnError()
    {
        IDataView data = Data(new MLContext(seed: 1));
        var error = Assert.Throws<ArgumentException>(() => SequenceEvaluator.Evaluate(data, nameof(Row.Reference), nameof(Row.Prediction)));
        Assert.Contains("no rows", error.Message);
        Assert.Equal("data", error.ParamName);
    }
}
