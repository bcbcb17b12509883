using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transforms;

namespace Samples;

/// <summary>More than two classes: the text label becomes a key (<c>MapValueToKey</c>, classes in ordinal order,
/// fitted on the training rows and applied to both splits, so the saved model needs no label), the multiclass
/// trainers, accuracy and macro-F1.</summary>
internal sealed class MulticlassTextTask(MLContext ml) : TextClassificationTask(ml, "multiclass", "macro-F1", ClassicTextBaseline.MulticlassName)
{
    public static MulticlassTextTask From(MLContext ml, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test)
    {
        IDataView trainText = ml.Data.LoadFromEnumerable(train.ToList());
        var keys = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(trainText);
        return new MulticlassTextTask(ml) { Train = keys.Transform(trainText), Test = keys.Transform(ml.Data.LoadFromEnumerable(test.ToList())) };
    }

    /// <summary>The Transformer, then <c>MapKeyToValue</c>: PredictedLabel holds the class as written in the files.</summary>
    public override IEstimator<ITransformer> Transformer(TokenizerOptions? tokenizer, TransformerClassifierOptions options)
        => Ml.MulticlassClassification.Trainers.TransformerOnText("Text", tokenizer, options)
            .Append(Ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    public override IEstimator<ITransformer> Baseline() => ClassicTextBaseline.Multiclass(Ml);

    public override ClassifierScores Evaluate(IDataView scored)
    {
        var metrics = Ml.MulticlassClassification.Evaluate(scored);
        return new ClassifierScores(metrics.MicroAccuracy, MacroF1.Of(metrics.ConfusionMatrix));
    }

    public override string[] Predictions(IDataView scored) => [.. scored.GetColumn<string>("PredictedLabel")];
}
