using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>
/// The columns a classifier writes, with the annotations ML.NET's own scorers put on them, so that
/// <c>Evaluate</c>, <c>CrossValidate</c> and <c>PredictionEngine</c> treat them as any trainer's output.
/// Binary: Score (the logit), Probability (its sigmoid), PredictedLabel (Boolean). Multiclass: Score (the softmax
/// probabilities per class, with the class names as slot names) and PredictedLabel (a key of the label's type, with
/// the label's key values).
/// </summary>
internal static class ClassifierOutputColumns
{
    public const string Score = DefaultColumnNames.Score;
    public const string Probability = DefaultColumnNames.Probability;
    public const string PredictedLabel = DefaultColumnNames.PredictedLabel;

    public static DataViewSchema.DetachedColumn[] Create(ClassifierKind kind, int classCount, string[]? classNames, DataKind classValueKind,
        DataViewSchema inputSchema)
    {
        uint setId = AnnotationUtils.GetMaxAnnotationKind(inputSchema, out _, AnnotationUtils.Kinds.ScoreColumnSetId) + 1;
        if (kind == ClassifierKind.Binary)
        {
            const string binary = AnnotationUtils.Const.ScoreColumnKind.BinaryClassification;
            return
            [
                new(Score, NumberDataViewType.Single, ScoreAnnotations(binary, AnnotationUtils.Const.ScoreValueKind.Score, setId).ToAnnotations()),
                new(Probability, NumberDataViewType.Single, WithNormalized(ScoreAnnotations(binary, AnnotationUtils.Const.ScoreValueKind.Probability, setId))),
                new(PredictedLabel, BooleanDataViewType.Instance, ScoreAnnotations(binary, AnnotationUtils.Const.ScoreValueKind.PredictedLabel, setId).ToAnnotations()),
            ];
        }
        const string multiclass = AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification;
        var score = ScoreAnnotations(multiclass, AnnotationUtils.Const.ScoreValueKind.Score, setId);
        var predicted = ScoreAnnotations(multiclass, AnnotationUtils.Const.ScoreValueKind.PredictedLabel, setId);
        if (classNames is not null)
        {
            // As ML.NET's scorers: the classes in their own type; slot names only when they are text.
            if (classValueKind == DataKind.String) ClassValues.Add(score, AnnotationUtils.Kinds.SlotNames, classValueKind, classNames);
            ClassValues.Add(score, AnnotationUtils.Kinds.TrainingLabelValues, classValueKind, classNames);
            ClassValues.Add(predicted, AnnotationUtils.Kinds.KeyValues, classValueKind, classNames);
        }
        return
        [
            new(Score, new VectorDataViewType(NumberDataViewType.Single, classCount), score.ToAnnotations()),
            new(PredictedLabel, new KeyDataViewType(typeof(uint), classCount), predicted.ToAnnotations()),
        ];
    }

    /// <summary>The estimator's promise of the same columns (types and annotation kinds).</summary>
    public static IEnumerable<SchemaShape.Column> Shape(ClassifierKind kind, SchemaShape.Column label)
    {
        if (kind == ClassifierKind.Binary)
        {
            return
            [
                new(Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
                new(Probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true))),
                new(PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false, new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
            ];
        }
        return
        [
            new(Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(label))),
            new(PredictedLabel, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation().Concat(label.Annotations.Where(a => a.Name == AnnotationUtils.Kinds.KeyValues)))),
        ];
    }

    private static DataViewSchema.Annotations.Builder ScoreAnnotations(string columnKind, string valueKind, uint setId)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(AnnotationUtils.Kinds.ScoreColumnSetId, AnnotationUtils.ScoreColumnSetIdType, (ref uint value) => value = setId);
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = columnKind.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
        return builder;
    }

    private static DataViewSchema.Annotations WithNormalized(DataViewSchema.Annotations.Builder builder)
    {
        builder.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
        return builder.ToAnnotations();
    }
}
