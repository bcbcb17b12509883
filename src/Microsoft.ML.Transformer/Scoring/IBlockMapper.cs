using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// A model bound to an input schema that computes its output columns for a block of rows at once (one tensor call
/// per block instead of one per row). Used by <see cref="BlockMappedDataView"/> for <c>Transform</c> and, with
/// blocks of one row, by <see cref="BlockRowMapper"/> for <c>PredictionEngine</c>.
/// </summary>
internal interface IBlockMapper
{
    DataViewSchema InputSchema { get; }

    DataViewSchema.DetachedColumn[] OutputColumns { get; }

    /// <summary>The input columns that the active output columns read.</summary>
    IEnumerable<DataViewSchema.Column> GetDependencies(Func<int, bool> activeOutput);

    /// <summary>Per-cursor state: buffers for <paramref name="capacity"/> rows and getters over
    /// <paramref name="input"/>'s dependency columns.</summary>
    IBlockComputation CreateComputation(DataViewRow input, int capacity);
}

/// <summary>One cursor's working state. Not thread-safe; each cursor has its own.</summary>
internal interface IBlockComputation : IDisposable
{
    /// <summary>Copies the input row's current values into block slot <paramref name="slot"/> (validating them).</summary>
    void Load(int slot);

    /// <summary>Computes the outputs of slots 0 … <paramref name="count"/> − 1.</summary>
    void Compute(int count);

    /// <summary>A getter for output column <paramref name="output"/> that reads the slot <paramref name="slot"/> returns.</summary>
    Delegate MakeGetter(int output, Func<int> slot);
}
