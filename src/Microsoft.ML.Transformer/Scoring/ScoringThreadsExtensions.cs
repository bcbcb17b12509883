using Microsoft.ML.Transformer.Scoring;

namespace Microsoft.ML.Transformer;

/// <summary>Sets <see cref="BlockTransformerBase.ScoringThreads"/> on a model as <c>Model.Load</c> returns it: a chain
/// of transformers, in which the library's model transformers sit.</summary>
public static class ScoringThreadsExtensions
{
    /// <summary>Sets <see cref="BlockTransformerBase.ScoringThreads"/> of every model transformer of this library in
    /// <paramref name="model"/> (itself, or inside its chains) to <paramref name="threads"/>; null for libtorch's count.
    /// Set it before scoring starts: engines and cursors made before read the new value at their next model call.</summary>
    /// <returns>How many transformers were set (0: the model holds none of this library's).</returns>
    public static int SetScoringThreads(this ITransformer model, int? threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (threads is <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be positive (null: libtorch's count, one per core)");
        if (model is BlockTransformerBase scorer)
        {
            scorer.ScoringThreads = threads;
            return 1;
        }
        return model is IEnumerable<ITransformer> chain ? chain.Sum(inner => inner.SetScoringThreads(threads)) : 0;
    }
}
