using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;

namespace Samples;

/// <summary>Two classes: a Boolean label (<see cref="ClassLabels.IsTrue"/>), the binary trainers, accuracy and AUC.</summary>
internal sealed class BinaryTextTask(MLContext ml) : TextClassificationTask(ml, "binary", "AUC", ClassicTextBaseline.BinaryName)
{
    public static BinaryTextTask From(MLContext ml, ClassLabels labels, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test)
    {
        IDataView Load(IReadOnlyList<LabeledText> rows)
            => ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryText { Label = labels.IsTrue(r.Label), Text = r.Text }).ToList());
        return new BinaryTextTask(ml) { Train = Load(train), Test = Load(test) };
    }

    public override IEstimator<ITransformer> Transformer(TokenizerOptions? tokenizer, TransformerClassifierOptions options)
        => Ml.BinaryClassification.Trainers.TransformerOnText("Text", tokenizer, options);

    public override IEstimator<ITransformer> Baseline() => ClassicTextBaseline.Binary(Ml);

    public override ClassifierScores Evaluate(IDataView scored)
    {
        var metrics = Ml.BinaryClassification.Evaluate(scored);
        return new ClassifierScores(metrics.Accuracy, metrics.AreaUnderRocCurve);
    }

    public override string[] Predictions(IDataView scored) => [.. scored.GetColumn<bool>("PredictedLabel").Select(p => p ? "true" : "false")];

    private sealed class BinaryText
    {
        public bool Label { get; set; }

        public string Text { get; set; } = "";
    }
}
