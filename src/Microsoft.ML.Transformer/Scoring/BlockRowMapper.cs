using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Compute;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// ML.NET's row-by-row view of a block mapper, for <c>PredictionEngine</c>, <c>GetRowToRowMapper</c> and schema
/// propagation: each row is a block of one, computed once however many output columns read it. Its getters refuse
/// use by two threads at once (<see cref="ConcurrentRowUse"/>).
/// </summary>
internal sealed class BlockRowMapper : RowToRowTransformerBase.MapperBase
{
    private readonly BlockTransformerBase _parent;
    private readonly IBlockMapper _mapper;

    public BlockRowMapper(BlockTransformerBase parent, IHost host, IBlockMapper mapper)
        : base(host, mapper.InputSchema, parent)
    {
        _parent = parent;
        _mapper = mapper;
    }

    protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => _mapper.OutputColumns;

    public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
    {
        var getters = new Delegate[_mapper.OutputColumns.Length];
        if (!getters.Where((_, i) => activeOutput(i)).Any())
        {
            disposer = () => { };
            return getters;
        }
        IBlockComputation computation = _mapper.CreateComputation(input, capacity: 1);
        var use = new ConcurrentRowUse(_parent.GetType().Name);
        long computedPosition = -1;
        int CurrentSlot()
        {
            use.Claim(input.Position);
            if (computedPosition != input.Position)
            {
                computation.Load(0);
                using (ComputeScope.During(_parent.ScoringThreads))
                    computation.Compute(1);
                computedPosition = input.Position;
            }
            return 0;
        }
        for (int i = 0; i < getters.Length; i++)
            if (activeOutput(i)) getters[i] = use.Guard(computation.MakeGetter(i, CurrentSlot));
        disposer = computation.Dispose;
        return getters;
    }

    protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        => throw new NotSupportedException("Getters are created together by CreateGetters.");

    protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
    {
        var indices = _mapper.GetDependencies(activeOutput).Select(c => c.Index).ToHashSet();
        return indices.Contains;
    }

    protected override void SaveModel(ModelSaveContext ctx) => _parent.Save(ctx);
}
