namespace Microsoft.ML.Transformer.Training;

/// <summary>Reads the current row's label into <paramref name="label"/>; returns null, or why the row is skipped
/// (one of <see cref="IBatchLabel{TLabel}.SkipReasons"/>).</summary>
internal delegate string? RowLabel<TLabel>(out TLabel label);

/// <summary>
/// What a task reads from each training row besides its token ids (a class, a target sequence): the reader batches
/// any task's rows through this without knowing the task.
/// </summary>
internal interface IBatchLabel<TLabel>
{
    /// <summary>The columns the label is read from.</summary>
    IReadOnlyList<DataViewSchema.Column> Columns { get; }

    /// <summary>Why a row can be skipped, each a phrase that follows "skipped for" and names its column (e.g. "a missing
    /// label in 'Label'"), so an epoch without usable rows can say what it skipped.</summary>
    IReadOnlyList<string> SkipReasons { get; }

    /// <summary>The label reader of a cursor over <see cref="Columns"/>.</summary>
    RowLabel<TLabel> Open(DataViewRow row);

    /// <summary>The label's length in tokens, 0 for a class: sequence pairs sort by source then target length, and
    /// a batch's token budget counts both sides.</summary>
    int Tokens(TLabel label);
}
