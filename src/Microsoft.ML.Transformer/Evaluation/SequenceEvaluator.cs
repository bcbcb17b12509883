using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Computes <see cref="SequenceMetrics"/> (exact match, token error rate, token accuracy, BLEU) for the outputs of a
/// sequence-to-sequence model: from parallel lists of hypotheses and references, or from two text columns of an
/// <see cref="IDataView"/>. The definitions are those of <see cref="ErrorRate"/> and <see cref="Bleu"/>.
/// </summary>
public static class SequenceEvaluator
{
    /// <summary>Evaluates hypotheses against one reference each.</summary>
    /// <param name="hypotheses">The model's outputs, one per row.</param>
    /// <param name="references">The expected outputs, parallel to <paramref name="hypotheses"/>.</param>
    public static SequenceMetrics Evaluate(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
        => Evaluate(hypotheses, EvaluationRows.Single(references));

    /// <summary>Evaluates hypotheses against sets of acceptable references (e.g. a word's alternative
    /// pronunciations). Null references are skipped; every row needs at least one other.</summary>
    /// <param name="hypotheses">The model's outputs, one per row.</param>
    /// <param name="references">Each row's acceptable outputs, parallel to <paramref name="hypotheses"/>.</param>
    public static SequenceMetrics Evaluate(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        string[][] usable = EvaluationRows.References(hypotheses, references);
        TokenErrorCounts counts = TokenErrorCounts.Count(hypotheses, usable);
        return new SequenceMetrics
        {
            Count = counts.Rows,
            ExactMatch = counts.ExactMatch,
            SequenceErrorRate = counts.SequenceErrorRate,
            TokenErrorRate = counts.TokenErrorRate,
            TokenAccuracy = counts.TokenAccuracy,
            TokenEdits = counts.Edits,
            ReferenceTokens = counts.ReferenceTokens,
            Bleu = Microsoft.ML.Transformer.Bleu.Compute(hypotheses, usable),
        };
    }

    /// <summary>Evaluates a scored data view: one reference per row, both columns text.</summary>
    /// <param name="data">The rows, typically a model's <c>Transform</c> output.</param>
    /// <param name="referenceColumnName">The text column with the expected outputs.</param>
    /// <param name="predictionColumnName">The text column with the model's outputs.</param>
    /// <exception cref="ArgumentException">A column is missing or not text, or there are no rows.</exception>
    public static SequenceMetrics Evaluate(IDataView data, string referenceColumnName, string predictionColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column reference = FindTextColumn(data.Schema, referenceColumnName, nameof(referenceColumnName));
        DataViewSchema.Column prediction = FindTextColumn(data.Schema, predictionColumnName, nameof(predictionColumnName));

        var hypotheses = new List<string>();
        var references = new List<string>();
        using (DataViewRowCursor cursor = data.GetRowCursor([reference, prediction]))
        {
            ValueGetter<ReadOnlyMemory<char>> getReference = cursor.GetGetter<ReadOnlyMemory<char>>(reference);
            ValueGetter<ReadOnlyMemory<char>> getPrediction = cursor.GetGetter<ReadOnlyMemory<char>>(prediction);
            ReadOnlyMemory<char> text = default;
            while (cursor.MoveNext())
            {
                getReference(ref text);
                references.Add(text.ToString());
                getPrediction(ref text);
                hypotheses.Add(text.ToString());
            }
        }
        if (references.Count == 0) throw new ArgumentException("The data view has no rows to evaluate.", nameof(data));
        return Evaluate(hypotheses, references);
    }

    private static DataViewSchema.Column FindTextColumn(DataViewSchema schema, string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        DataViewSchema.Column column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"Column '{name}' was not found in the data.", parameterName);
        if (column.Type is not TextDataViewType)
            throw new ArgumentException($"Column '{name}' must be text (ReadOnlyMemory<char>), but it is {column.Type}.", parameterName);
        return column;
    }
}
