using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Seq2Seq;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The decoding workload of seq2seq-decode and seq2seq-beam: a model of the benchmark's shape briefly trained through the
/// public estimator (a few steps on synthetic pairs; its weights do not matter for speed, since every row is made to
/// generate exactly <see cref="OutputLength"/> tokens), and sources of the source length that it never saw in training:
/// <see cref="Rows"/> of them as one int64 tensor for the direct calls, and <see cref="ViewRows"/> (the same ones first)
/// as an <see cref="IDataView"/> for <c>Transform</c>.
/// Decoding runs in float32, as scoring does.
/// </summary>
internal sealed class Seq2SeqDecodeWorkload : IDisposable
{
    private const int SourceBatchIndex = 7_777;   // the sources' batch index in the token formula (training used 0, 1, …)
    private readonly MLContext _ml;
    private readonly long[] _sourceIds;

    public Seq2SeqDecodeWorkload(Seq2SeqSettings settings, int outputLength, int trainSteps, int rows, int viewRows = 0)
    {
        (Settings, OutputLength, Rows, ViewRows) = (settings, outputLength, rows, viewRows > 0 ? viewRows : rows);
        _ml = new MLContext(seed: settings.Seed);
        var watch = Stopwatch.StartNew();
        IDataView train = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, trainSteps * settings.Batch).Select(r => SyntheticPairs.Pair(r, settings)).ToList());
        // The target tokenizer's MaxLength is the output length, so that the model's positions reach it (max_len = max(source, output + 1)).
        TokenizerTransformer targetTokenizer = SyntheticPairs.TargetTokenizer(_ml, settings.Vocabulary, outputLength);
        Transformer = _ml.Transforms.Text.SequenceToSequence("Prediction", SyntheticPairs.SourceColumn, SyntheticPairs.TargetColumn,
            settings.EstimatorOptions(targetTokenizer, epochs: 1, mixedPrecision: true)).Fit(train);
        if (Transformer.Config.Model != settings.Config(outputLength))
            throw new BenchmarkFailedException($"the estimator built {Transformer.Config.Model}, not {settings.Config(outputLength)}.");
        Preparation = $"trained {trainSteps} step(s) of batch {settings.Batch} through the estimator (bf16) in {watch.Elapsed.TotalSeconds:F1} s; " +
            $"training loss {Transformer.TrainingHistory[^1].TrainingLoss:F3}";
        Limits = new DecodingLimits(outputLength, outputLength);

        _sourceIds = SyntheticPairs.SourceIds(Math.Max(Rows, ViewRows), settings.SourceLength, SourceBatchIndex, settings.Vocabulary);
        Sources = tensor(_sourceIds.AsSpan(0, Rows * settings.SourceLength).ToArray(), [Rows, settings.SourceLength], device: device(settings.Device));
        View = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, ViewRows).Select(i => new SourceRow
        {
            SourceTokens = Array.ConvertAll(_sourceIds[(i * settings.SourceLength)..((i + 1) * settings.SourceLength)], id => (int)id),
        }).ToList());
    }

    public Seq2SeqSettings Settings { get; }

    public int OutputLength { get; }

    /// <summary>Rows of <see cref="Sources"/> (the direct calls' batch).</summary>
    public int Rows { get; }

    /// <summary>Rows of <see cref="View"/> (Transform and the blocks it is made of).</summary>
    public int ViewRows { get; }

    public string Preparation { get; }

    /// <summary>The fitted transformer (greedy decoding, the estimator's default).</summary>
    public SequenceToSequenceTransformer Transformer { get; }

    public Modules.EncoderDecoder Model => Transformer.Model;

    /// <summary>MinTokens = MaxTokens = the output length: [EOS] is ruled out before it and forced at it, so every row
    /// generates exactly that many tokens and the decoding loop runs output length + 1 decoder steps.</summary>
    public DecodingLimits Limits { get; }

    /// <summary>Source ids [rows, source length], int64, on the model's device.</summary>
    public Tensor Sources { get; }

    /// <summary>The same sources as an ML.NET data view (a variable-length Int32 vector column).</summary>
    public IDataView View { get; }

    /// <summary>Tokens a direct call generates (every row exactly <see cref="OutputLength"/>).</summary>
    public long TokensPerPass => (long)Rows * OutputLength;

    public long ViewTokensPerPass => (long)ViewRows * OutputLength;

    // The pass methods run a few times each; fully optimizing them keeps the harness's loops out of the comparison.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DecodedSequence[] Greedy(bool useCache) => GreedySearch.Decode(Model, Sources, Limits, useCache);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DecodedSequence[] Beam(int beamSize, bool useCache = true) => BeamSearch.Decode(Model, Sources, beamSize, LengthPenalty, Limits, useCache);

    /// <summary>α of the length penalty: the DecodingOptions default (all hypotheses have the same length here anyway).</summary>
    public static double LengthPenalty => new DecodingOptions().LengthPenalty;

    /// <summary>The fitted transformer with beam search of <paramref name="beamSize"/> and this workload's limits. It
    /// shares the weights: not to be disposed.</summary>
    public SequenceToSequenceTransformer WithBeam(int beamSize) => Transformer.WithDecoding(new DecodingOptions
    {
        BeamSize = beamSize, LengthPenalty = LengthPenalty, MaxOutputLength = OutputLength, MinOutputLength = OutputLength,
    });

    /// <summary><c>Transform</c> of <see cref="View"/>: a cursor reading the decoded text and the predicted tokens of every
    /// row (so that the text is made too); writes each row's tokens, returns the tokens read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long TransformPass(SequenceToSequenceTransformer model, IDataView view, int[][] tokens)
    {
        IDataView scored = model.Transform(view);
        DataViewSchema.Column text = scored.Schema[model.OutputColumnName], ids = scored.Schema[model.Config.PredictedTokensColumnName];
        using DataViewRowCursor cursor = scored.GetRowCursor([text, ids]);
        ValueGetter<ReadOnlyMemory<char>> getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        ValueGetter<VBuffer<int>> getIds = cursor.GetGetter<VBuffer<int>>(ids);
        ReadOnlyMemory<char> value = default;
        VBuffer<int> buffer = default;
        long count = 0, characters = 0;
        for (int row = 0; cursor.MoveNext(); row++)
        {
            getText(ref value);
            getIds(ref buffer);
            characters += value.Length;
            tokens[row] = buffer.DenseValues().ToArray();
            count += tokens[row].Length;
        }
        return characters > 0 ? count : -1;
    }

    /// <summary>
    /// What <c>Transform</c> computes, minus ML.NET: per block of <c>ScoringBlockSize</c> rows, the rows sorted by source
    /// length exactly as Seq2SeqBlockMapper sorts them (same <c>Array.Sort</c> call on the same arrays, so the same order),
    /// then beam search on sub-batches of 32 of them (its SubBatchRows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long BlocksPass(int beamSize, int[][] tokens)
    {
        const int subBatchRows = 32;
        int block = Transformer.Config.BlockSize, length = Settings.SourceLength;
        long count = 0;
        for (int start = 0; start < ViewRows; start += block)
        {
            int rows = Math.Min(block, ViewRows - start);
            var order = new int[rows];
            var lengths = new int[rows];
            for (int i = 0; i < rows; i++) (order[i], lengths[i]) = (i, length);
            Array.Sort(lengths, order, 0, rows);
            for (int sub = 0; sub < rows; sub += subBatchRows)
            {
                int n = Math.Min(subBatchRows, rows - sub);
                var ids = new long[n * length];
                for (int i = 0; i < n; i++) Array.Copy(_sourceIds, (start + order[sub + i]) * length, ids, i * length, length);
                using var scope = NewDisposeScope();
                DecodedSequence[] decoded = BeamSearch.Decode(Model, tensor(ids, [n, length], device: Sources.device), beamSize, LengthPenalty, Limits);
                for (int i = 0; i < n; i++)
                {
                    tokens[start + order[sub + i]] = decoded[i].Tokens;
                    count += decoded[i].Tokens.Length;
                }
            }
        }
        return count;
    }

    public static long TokenCount(DecodedSequence[] decoded) => decoded.Sum(d => (long)d.Tokens.Length);

    public void Dispose()
    {
        Sources.Dispose();
        Transformer.Dispose();
    }
}
