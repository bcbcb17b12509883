using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Compute;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// The output of a block transformer's <c>Transform</c>: the input columns passed through, plus output columns computed
/// for blocks of rows. Each cursor runs two input cursors over the same rows in the same order: a look-ahead cursor
/// that reads only the model's input columns, <see cref="IBlockComputation.Load"/>s up to a block of rows and
/// computes them in one call, and the main cursor that serves every other column row by row. Nothing is computed
/// when no output column is active.
/// </summary>
internal sealed class BlockMappedDataView : IDataView
{
    private readonly IHost _host;
    private readonly IDataView _input;
    private readonly IBlockMapper _mapper;
    private readonly int _blockSize;
    private readonly Func<int?> _threads;

    /// <param name="threads">libtorch threads for each block, read when the block is computed (null: libtorch's count).</param>
    public BlockMappedDataView(IHost host, IDataView input, IBlockMapper mapper, DataViewSchema outputSchema, int blockSize, Func<int?> threads)
    {
        _threads = threads;
        _host = host;
        _input = input;
        _mapper = mapper;
        _blockSize = blockSize;
        Schema = outputSchema;
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => _input.CanShuffle;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int inputCount = _input.Schema.Count;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        bool[] activeOutputs = Enumerable.Range(0, _mapper.OutputColumns.Length).Select(i => needed.Contains(inputCount + i)).ToArray();
        // Both cursors must visit rows in the same order: give them equal seeds.
        int? seed = rand?.Next();
        DataViewRowCursor main = _input.GetRowCursor(needed.Where(i => i < inputCount).Select(i => _input.Schema[i]), Shuffler(seed));
        if (!activeOutputs.Any(a => a)) return new Cursor(this, main, null, null, activeOutputs);
        DataViewRowCursor ahead = _input.GetRowCursor(_mapper.GetDependencies(i => activeOutputs[i]), Shuffler(seed));
        return new Cursor(this, main, ahead, _mapper.CreateComputation(ahead, _blockSize), activeOutputs);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private static Random? Shuffler(int? seed) => seed is { } s ? new Random(s) : null;

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BlockMappedDataView _view;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _ahead;
        private readonly IBlockComputation? _computation;
        private readonly bool[] _activeOutputs;
        private readonly Delegate?[] _outputGetters;
        private int _slot = -1, _filled;
        private long _position = -1;

        public Cursor(BlockMappedDataView view, DataViewRowCursor main, DataViewRowCursor? ahead, IBlockComputation? computation, bool[] activeOutputs)
        {
            _view = view;
            _main = main;
            _ahead = ahead;
            _computation = computation;
            _activeOutputs = activeOutputs;
            _outputGetters = new Delegate?[activeOutputs.Length];
            for (int i = 0; i < activeOutputs.Length; i++)
                if (activeOutputs[i]) _outputGetters[i] = computation!.MakeGetter(i, () => _slot);
        }

        public override DataViewSchema Schema => _view.Schema;

        public override long Position => _position;

        public override long Batch => _main.Batch;

        public override bool MoveNext()
        {
            if (!_main.MoveNext()) return false;
            _position++;
            if (_computation is not null && ++_slot >= _filled) FillBlock();
            return true;
        }

        private void FillBlock()
        {
            _filled = 0;
            while (_filled < _view._blockSize && _ahead!.MoveNext())
            {
                _view._host.CheckAlive();
                _computation!.Load(_filled++);
            }
            if (_filled == 0) throw _view._host.Except("The look-ahead cursor ended before the main cursor: the input data view is not repeatable.");
            using (ComputeScope.During(_view._threads()))
                _computation!.Compute(_filled);
            _slot = 0;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            int inputCount = _view._input.Schema.Count;
            return column.Index < inputCount ? _main.IsColumnActive(_view._input.Schema[column.Index]) : _activeOutputs[column.Index - inputCount];
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _view._input.Schema.Count;
            if (column.Index < inputCount) return _main.GetGetter<TValue>(_view._input.Schema[column.Index]);
            return _outputGetters[column.Index - inputCount] as ValueGetter<TValue>
                ?? throw _view._host.Except($"Column '{column.Name}' is not active, or is not of type {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _ahead?.Dispose();
                _computation?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
