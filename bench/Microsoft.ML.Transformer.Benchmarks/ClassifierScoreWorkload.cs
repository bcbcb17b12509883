using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The classifier-score workload: a trained classifier and token rows kept as ids, and the three scoring paths over the
/// same ids: block scoring (<c>Transform</c>), <c>PredictionEngine</c> row by row, and raw TorchSharp inference of the
/// same model in the same blocks, on the model's device. Each path writes the probabilities it computed, for the agreement
/// check. <see cref="Imdb"/> makes it from IMDb reviews (classifier-score); gpu-check gives it synthetic rows.
/// </summary>
internal sealed class ClassifierScoreWorkload
{
    private readonly MLContext _ml;
    private readonly Device _device;

    public ClassifierScoreWorkload(MLContext ml, TransformerClassifierTransformer model, List<TokenRow> rows, int block)
    {
        (_ml, Model, Rows, Block) = (ml, model, rows, block);
        _device = model.Model.Device();
        View = ViewOf(Rows);
    }

    /// <summary>IMDb reviews tokenized once (byte-level BPE fitted on train reviews), and a classifier trained on them for
    /// a few steps with <c>ScoringBlockSize</c> = <paramref name="block"/>.</summary>
    public static ClassifierScoreWorkload Imdb(ClassifierSettings settings, string data, int rows, int trainRows, int trainSteps, int block)
    {
        var ml = new MLContext(seed: settings.Seed);
        var watch = Stopwatch.StartNew();
        List<Samples.Review> train = Samples.ImdbData.Load(Path.Combine(data, "train.tsv.gz"), Math.Max(trainRows, trainSteps * settings.Batch));
        List<Samples.Review> test = Samples.ImdbData.Load(Path.Combine(data, "test.tsv.gz"), rows);
        var options = new TokenizerOptions { Kind = TokenizerKind.BytePairEncoding, VocabularySize = settings.Vocabulary, MaxLength = settings.Length };
        TokenizerTransformer tokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", nameof(Samples.Review.Text), options)
            .Fit(ml.Data.LoadFromEnumerable(train.Take(trainRows)));
        int vocabulary = tokenizer.Tokenizer.VocabularySize;
        List<TokenRow> trainTokens = Tokenize(ml, tokenizer, train.Take(trainSteps * settings.Batch));
        List<TokenRow> testTokens = Tokenize(ml, tokenizer, test);
        string preparation = $"read {train.Count:N0} train and {test.Count:N0} test reviews, fitted the BPE on {Math.Min(trainRows, train.Count):N0} " +
            $"(vocabulary {vocabulary:N0}) and tokenized {trainTokens.Count + testTokens.Count:N0} reviews in {watch.Elapsed.TotalSeconds:F1} s";

        watch.Restart();
        TransformerClassifierOptions trainer = (settings with { Vocabulary = vocabulary }).TrainerOptions(epochs: 1, mixedPrecision: true);
        trainer.ScoringBlockSize = block;
        TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(trainer).Fit(ml.Data.LoadFromEnumerable(trainTokens));
        preparation += $"; trained {trainSteps} steps on {trainTokens.Count} rows in {watch.Elapsed.TotalSeconds:F1} s";
        return new ClassifierScoreWorkload(ml, model, testTokens, block) { Preparation = preparation, Vocabulary = vocabulary };
    }

    public string Preparation { get; init; } = "";

    public int Vocabulary { get; init; }

    public int Block { get; }

    /// <summary>The test rows' token ids (at most max_len each) and labels, in memory.</summary>
    public List<TokenRow> Rows { get; }

    public IDataView View { get; }

    public TransformerClassifierTransformer Model { get; }

    public IDataView ViewOf(List<TokenRow> rows) => _ml.Data.LoadFromEnumerable(rows);

    // The pass methods run a few times each; fully optimizing them keeps the harness's loops out of the comparison.

    /// <summary>Block scoring: a cursor over <c>Transform(view)</c>'s Probability column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long TransformPass(IDataView view, float[] probabilities)
    {
        IDataView scored = Model.Transform(view);
        DataViewSchema.Column column = scored.Schema["Probability"];
        using DataViewRowCursor cursor = scored.GetRowCursor([column]);
        ValueGetter<float> get = cursor.GetGetter<float>(column);
        long rows = 0;
        while (cursor.MoveNext()) get(ref probabilities[rows++]);
        return rows;
    }

    /// <summary>One <c>PredictionEngine.Predict</c> per row (the engine is made once, outside the timing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long EnginePass(PredictionEngine<TokenRow, Prediction> engine, List<TokenRow> rows, float[] probabilities)
    {
        var prediction = new Prediction();
        for (int i = 0; i < rows.Count; i++)
        {
            engine.Predict(rows[i], ref prediction);
            probabilities[i] = prediction.Probability;
        }
        return rows.Count;
    }

    public PredictionEngine<TokenRow, Prediction> CreateEngine() => _ml.Model.CreatePredictionEngine<TokenRow, Prediction>(Model);

    /// <summary>Raw TorchSharp: the same model on the same blocks of rows, each padded to its longest row as block scoring
    /// does; eval mode, no_grad, one dispose scope per block; the ids made on the model's device, the probabilities read
    /// back from it.</summary>
    public long RawPass(List<TokenRow> rows, float[] probabilities) => RawPass(Model.Model, _device, Block, rows, probabilities);

    /// <summary><see cref="RawPass(List{TokenRow}, float[])"/> with any copy of the model, on <paramref name="device"/>
    /// (where its weights are), in blocks of <paramref name="block"/> rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long RawPass(TransformerClassifierModel model, Device device, int block, List<TokenRow> rows, float[] probabilities)
    {
        for (int start = 0; start < rows.Count; start += block)
        {
            int count = Math.Min(block, rows.Count - start), longest = 1;
            for (int r = 0; r < count; r++) longest = Math.Max(longest, rows[start + r].Tokens.Length);
            var ids = new long[count * longest];    // padding id 0
            for (int r = 0; r < count; r++)
            {
                int[] tokens = rows[start + r].Tokens;
                for (int j = 0; j < tokens.Length; j++) ids[r * longest + j] = tokens[j];
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor probability = model.Forward(tensor(ids, [count, longest], device: device)).sigmoid().cpu().contiguous();
            MemoryMarshal.Cast<byte, float>(probability.bytes).CopyTo(probabilities.AsSpan(start, count));
        }
        return rows.Count;
    }

    private static List<TokenRow> Tokenize(MLContext ml, TokenizerTransformer tokenizer, IEnumerable<Samples.Review> reviews)
    {
        IDataView tokens = tokenizer.Transform(ml.Data.LoadFromEnumerable(reviews));
        return [.. ml.Data.CreateEnumerable<TokenRow>(tokens, reuseRowObject: false)];
    }

    /// <summary>The binary classifier's output columns, as PredictionEngine fills them.</summary>
    public sealed class Prediction
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
