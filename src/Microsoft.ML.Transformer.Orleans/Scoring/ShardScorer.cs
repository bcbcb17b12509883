using System.Diagnostics;
using Microsoft.ML.Transformer.Orleans.Shards;

namespace Microsoft.ML.Transformer.Orleans.Scoring;

/// <summary>What scoring one shard did: its rows and how long it took, reading and writing included, and in which
/// phase: reading the input, the model's <c>Transform</c> (rows read out of the scored view), writing the output.</summary>
public readonly record struct ShardScore(int Rows, TimeSpan Duration, TimeSpan Read = default, TimeSpan Transform = default, TimeSpan Write = default);

/// <summary>
/// A saved model, loaded once, scoring whole shards: read the shard, match its columns to the model's input
/// (<see cref="ModelInputColumns"/>), the model's own block <c>Transform</c>, write every input column and the model's
/// output columns to the output shard atomically. A cluster worker holds one; the same class scores a folder in one
/// process, which is the baseline a cluster is measured against. Not for concurrent use.
/// </summary>
public sealed class ShardScorer : IDisposable
{
    private readonly ITransformer _model;
    private readonly DataViewSchema _input;

    private ShardScorer(string modelPath, ITransformer model, DataViewSchema input) => (ModelPath, _model, _input) = (modelPath, model, input);

    /// <summary>The model zip this scorer loaded.</summary>
    public string ModelPath { get; }

    /// <summary>Loads the model zip at <paramref name="modelPath"/> (an ML.NET model saved with its input schema).</summary>
    /// <param name="torchThreads">libtorch threads while scoring (<see cref="ScoringThreadsExtensions.SetScoringThreads"/>);
    /// null: one per core. Several workers on one machine each take their share.</param>
    public static ShardScorer Load(string modelPath, int? torchThreads = null)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"model not found: {modelPath}", modelPath);
        ITransformer model = new MLContext().Model.Load(modelPath, out DataViewSchema input);
        model.SetScoringThreads(torchThreads);
        return new ShardScorer(modelPath, model, input);
    }

    /// <summary>Scores the shard at <paramref name="inputPath"/> into <paramref name="outputPath"/> (same format as its
    /// name says), which is complete or absent whatever happens, cancellation included. The model computes on the
    /// calling thread (and libtorch's OpenMP team of that thread): call it from one thread, not from pool threads in turn.</summary>
    public ShardScore Score(string inputPath, string outputPath, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        // the file reads and writes are asynchronous only; waiting for them keeps the model's work on this thread
        ShardTable input = ModelInputColumns.Adapt(ShardFiles.ReadAsync(inputPath, cancellation).GetAwaiter().GetResult(), _input);
        TimeSpan read = clock.Elapsed;
        cancellation.ThrowIfCancellationRequested();
        IDataView scored = _model.Transform(new ShardDataView(input));
        ShardTable output = ScoredTable.Read(scored, input.RowCount, cancellation);
        TimeSpan transformed = clock.Elapsed;
        ShardFiles.WriteAtomicallyAsync(output, outputPath, cancellation).GetAwaiter().GetResult();
        TimeSpan total = clock.Elapsed;
        return new ShardScore(output.RowCount, total, read, transformed - read, total - transformed);
    }

    /// <summary>Releases the model's weights.</summary>
    public void Dispose() => (_model as IDisposable)?.Dispose();
}
