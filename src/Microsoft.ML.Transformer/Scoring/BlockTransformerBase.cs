using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// Base of the library's model transformers: <c>Transform</c> computes blocks of <see cref="BlockSize"/> rows per
/// model call (<see cref="BlockMappedDataView"/>); <c>PredictionEngine</c> and schema propagation go through ML.NET's
/// row-to-row machinery with blocks of one. Both paths run the same <see cref="IBlockComputation"/>, so they give
/// the same values.
/// </summary>
public abstract class BlockTransformerBase : RowToRowTransformerBase, ITransformer
{
    private protected BlockTransformerBase(IHost host, int blockSize) : base(host)
    {
        host.CheckParam(blockSize > 0, nameof(blockSize), "must be positive");
        BlockSize = blockSize;
    }

    /// <summary>Rows computed per model call when transforming a data view.</summary>
    public int BlockSize { get; }

    private int? _scoringThreads;

    /// <summary>libtorch CPU threads while this model scores (<c>Transform</c> cursors, <c>PredictionEngine</c>, and the
    /// model's own calls such as <c>Generate</c>), set on the scoring thread for each model call and restored after it:
    /// other threads of the process keep theirs, and scorers on different threads may use different counts. Default
    /// null: libtorch's count, one per core, the fastest on an otherwise idle machine; a fitted model starts with the
    /// training options' <c>Threads</c>. Not saved: after <c>Model.Load</c>, set it on the loaded model with
    /// <see cref="ScoringThreadsExtensions.SetScoringThreads"/>. With several scorers at once, or other work on the
    /// machine, 1 is usually fastest (docs/training.md, "Threads").</summary>
    public int? ScoringThreads
    {
        get => _scoringThreads;
        set
        {
            Host.CheckParam(value is null or > 0, nameof(ScoringThreads), "must be positive (null: libtorch's count, one per core)");
            _scoringThreads = value;
        }
    }

    /// <summary>The input columns plus the output columns, computed in blocks of rows when read.</summary>
    public new IDataView Transform(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        ThrowIfDisposed();
        IBlockMapper mapper = Bind(input.Schema);
        return new BlockMappedDataView(Host, input, mapper, GetOutputSchema(input.Schema), BlockSize, () => ScoringThreads);
    }

    /// <summary>Checks <paramref name="inputSchema"/> and binds the model to it.</summary>
    private protected abstract IBlockMapper Bind(DataViewSchema inputSchema);

    /// <summary>ML.NET's row-by-row mapper (blocks of one row).</summary>
    protected override IRowMapper MakeRowMapper(DataViewSchema schema)
    {
        ThrowIfDisposed();
        return new BlockRowMapper(this, Host, Bind(schema));
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the weights are gone, before anything would read them.</summary>
    private protected abstract void ThrowIfDisposed();

    internal void Save(ModelSaveContext ctx) => SaveModel(ctx);
}
