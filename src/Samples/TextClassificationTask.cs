using Microsoft.ML;
using Microsoft.ML.Transformer;

namespace Samples;

/// <summary>A test-set score: accuracy and the task's second figure (AUC for binary, macro-F1 for multiclass).</summary>
internal sealed record ClassifierScores(double Accuracy, double Quality);

/// <summary>What the classify sample does differently with two classes and with more: the label column's type, the
/// estimators, the evaluation. <see cref="Train"/> and <see cref="Test"/> have the columns Label and Text.</summary>
/// <param name="ml">The context the estimators come from.</param>
/// <param name="name">"binary" or "multiclass".</param>
/// <param name="qualityName">The name of <see cref="ClassifierScores.Quality"/>.</param>
/// <param name="baselineName">The baseline's name, as the report shows it.</param>
internal abstract class TextClassificationTask(MLContext ml, string name, string qualityName, string baselineName)
{
    protected MLContext Ml { get; } = ml;

    public string Name { get; } = name;

    public string QualityName { get; } = qualityName;

    public string BaselineName { get; } = baselineName;

    public required IDataView Train { get; init; }

    public required IDataView Test { get; init; }

    /// <summary>Tokenizer + Transformer classifier on Text; its PredictedLabel is what <see cref="Predictions"/> reads.</summary>
    public abstract IEstimator<ITransformer> Transformer(TokenizerOptions? tokenizer, TransformerClassifierOptions options);

    /// <summary>ML.NET's classic text classifier.</summary>
    public abstract IEstimator<ITransformer> Baseline();

    public abstract ClassifierScores Evaluate(IDataView scored);

    /// <summary>The predicted labels of <paramref name="scored"/>, as text.</summary>
    public abstract string[] Predictions(IDataView scored);

    public static TextClassificationTask Create(MLContext ml, ClassLabels labels, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test)
        => labels.IsBinary ? BinaryTextTask.From(ml, labels, train, test) : MulticlassTextTask.From(ml, train, test);
}
