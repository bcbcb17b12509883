using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Seq2Seq;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxDecoders;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>A sequence-to-sequence model's exported encoder and decoder step against the module: a padded batch of
/// sources with a row of padding alone, a target prefix, then two steps with the cache; and greedy translation through
/// ONNX Runtime against the library's own, token for token, on a model trained in the test and on the loader's fixture.</summary>
public class Seq2SeqExportTests(TrainedSeq2Seq trained) : IClassFixture<TrainedSeq2Seq>
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Shapes() => new()
    {
        "post-LN, sinusoidal, ReLU, tied",
        "pre-LN, learned, GELU, untied, shared embeddings",
        "post-LN, concatenated sinusoids, padding id 3, 1 decoder layer, tied, shared embeddings",
    };

    private static TransformerConfig ShapeOf(string name) => DecoderShape(s => name switch
    {
        "post-LN, sinusoidal, ReLU, tied" => s with { TieOutputProjection = true },
        "pre-LN, learned, GELU, untied, shared embeddings" => s with
        {
            NormFirst = true, Positional = PositionalEncodingKind.Learned, Activation = FeedForwardActivation.Gelu, ShareSourceTargetEmbeddings = true,
        },
        "post-LN, concatenated sinusoids, padding id 3, 1 decoder layer, tied, shared embeddings" => s with
        {
            Positional = PositionalEncodingKind.SinusoidalConcatenated, PaddingId = 3, DecoderLayers = 1, TieOutputProjection = true,
            ShareSourceTargetEmbeddings = true,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    });

    /// <summary>The encoder's memory, source mask and encoder–decoder keys and values, then the decoder step's logits
    /// and presents for a prefix of 3 target ids per row (past 0) and two single steps, agree with the module's
    /// <c>Encode</c> and <c>Decode</c> with its cache.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void EncoderAndStepsMatchTheModule(string shapeName)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = ShapeOf(shapeName);
        using SequenceToSequenceTransformer model = NewSeq2Seq(ml, shape, seed: 6);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "translator.onnx");
        ml.Model.ExportToOnnx(model, file);

        int[][] sources = [.. Rows(count: 4, maxLength: 9, shape.PaddingId, seed: 3), []];
        int rows = sources.Length;
        var (sourceIds, _) = Pad(sources, shape.PaddingId, length: 11);
        long[][] steps = [[.. Enumerable.Range(0, rows).SelectMany(r => new long[] { 2, 10 + r, 20 + r })], [.. Enumerable.Range(0, rows).Select(r => (long)(30 + r))], [.. Enumerable.Repeat(9L, rows)]];

        using var encoder = new InferenceSession(file);
        using var decoder = new InferenceSession(Path.Combine(Path.GetDirectoryName(file)!, "translator.decoder.onnx"));
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        var (memory, sourceMask) = model.Model.Encode(tensor(sourceIds, [rows, sourceIds.Length / rows]));
        Dictionary<string, float[]> encoded = Run(encoder, new() { ["input_ids"] = Ids(sourceIds, rows) });
        double difference = MaxAbsDifference(Floats(memory), encoded["memory"]);
        Assert.Equal(Floats(sourceMask.to(ScalarType.Float32)), encoded["source_mask"]);

        using DecoderCache cache = model.Model.NewCache();
        Dictionary<string, float[]>? outputs = null;
        foreach (long[] ids in steps)
        {
            var inputs = new Dictionary<string, Input>
            {
                ["input_ids"] = Ids(ids, rows),
                ["source_mask"] = new(encoded["source_mask"].Select(m => m != 0).ToArray(), [rows, sourceIds.Length / rows]),
            };
            for (int i = 0; i < shape.DecoderLayers; i++)
                foreach (string name in new[] { $"cross_key_{i}", $"cross_value_{i}" })
                    inputs[name] = new(encoded[name], [rows, shape.Heads, sourceIds.Length / rows, shape.HeadDimension]);
            AddPast(inputs, shape, rows, outputs);
            outputs = Run(decoder, inputs);
            float[] expected = Floats(model.Model.Logits(model.Model.Decode(tensor(ids, [rows, ids.Length / rows]), memory, sourceMask, cache)));
            difference = Math.Max(difference, Math.Max(MaxAbsDifference(expected, outputs["logits"]), CacheDifference(cache, outputs, shape.DecoderLayers)));
        }
        difference = Math.Max(difference, CacheDifference(cache, encoded, shape.DecoderLayers, "cross"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{shapeName}: max |ONNX − module| (memory, cross keys and values, 3 steps) = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − module| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>Sources tokenized by the pipeline's tokenizer, padded into one batch with a row of padding alone,
    /// translated greedily by the library and through the two files.</summary>
    [Fact]
    public void GreedyTranslationMatchesTheLibraryTokenForToken()
    {
        string file = Path.Combine(TestPaths.NewTempDirectory(), "reverse.onnx");
        trained.Ml.Model.ExportToOnnx(trained.Model, file);
        SequenceToSequenceTransformer seq2seq = trained.Model.LastTransformer;
        var tokenizer = (TokenizerTransformer)trained.Model.First();
        string[] texts = ["a b c", "j i h g f e d", "c a f b", "d", "e e e e e e e e e e e e e e", ""];
        int[][] sources = [.. texts.Select(t =>
        {
            var tokens = new List<int>();
            tokenizer.Tokenizer.Encode(t, tokens);
            return tokens.ToArray();
        })];
        int[][] expected = TranslatesAsTheLibrary(seq2seq, file, sources);
        for (int r = 0; r < sources.Length; r++)
            TestContext.Current.TestOutputHelper?.WriteLine($"'{texts[r]}' → '{seq2seq.TargetTokenizer.Decode(expected[r])}'");
        Assert.True(expected.SelectMany(e => e).Distinct().Count() > 3, "the trained model writes more than a repeated token");
    }

    /// <summary>A sequence-to-sequence pipeline trained and saved by an earlier version (the loader's fixture), loaded,
    /// exported and translating as loaded; the files name each other and carry their tokenizers.</summary>
    [Fact]
    public void TrainedFixtureTranslatesAsLoaded()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seq2seq-format1.zip"), out _);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "fixture.onnx");
        ml.Model.ExportToOnnx(model, file);
        var seq2seq = Assert.IsType<SequenceToSequenceTransformer>(((IEnumerable<ITransformer>)model).Last());
        TranslatesAsTheLibrary(seq2seq, file, [[7, 8, 9], [9, 8], [7]]);

        using var encoder = new InferenceSession(file);
        using var decoder = new InferenceSession(Seq2SeqDecoderFile(file));
        IReadOnlyDictionary<string, string> encoderMetadata = encoder.ModelMetadata.CustomMetadataMap, decoderMetadata = decoder.ModelMetadata.CustomMetadataMap;
        Assert.Equal(("seq2seq_encoder", "seq2seq_decoder"), (encoderMetadata["mltransformer.kind"], decoderMetadata["mltransformer.kind"]));
        Assert.Equal(("fixture.decoder.onnx", "fixture.onnx"), (encoderMetadata["mltransformer.decoder_file"], decoderMetadata["mltransformer.encoder_file"]));
        Assert.Contains("mltransformer.tokenizer.tokens", encoderMetadata.Keys);    // the source tokenizer of the pipeline
        Assert.Contains("mltransformer.tokenizer.tokens", decoderMetadata.Keys);    // the target tokenizer of the model
    }

    /// <summary>Translates <paramref name="sources"/> (padded into one batch) greedily through the exported files and
    /// asserts the tokens are the library's.</summary>
    /// <returns>The library's tokens of each row.</returns>
    private static int[][] TranslatesAsTheLibrary(SequenceToSequenceTransformer seq2seq, string file, int[][] sources)
    {
        var (ids, length) = Pad(sources, seq2seq.Config.Model.PaddingId);
        int[][] expected;
        using (Tensor batch = tensor(ids, [sources.Length, length]))
            expected = [.. seq2seq.DecodeIds(batch).Select(d => d.Tokens)];
        using var encoder = new InferenceSession(file);
        using var decoder = new InferenceSession(Seq2SeqDecoderFile(file));
        Assert.Equal(expected, OnnxGreedyDecoding.Translate(encoder, decoder, ids, sources.Length).Select(a => a.ToArray()));
        return expected;
    }

    private static string Seq2SeqDecoderFile(string encoderFile) => Path.ChangeExtension(encoderFile, ".decoder.onnx");
}

/// <summary>A small model trained on the copy task for three short epochs: far from learned, but its argmaxes are not ties.</summary>
public sealed class TrainedSeq2Seq : IDisposable
{
    public TrainedSeq2Seq()
    {
        Ml = new MLContext(seed: 1);
        SequenceToSequenceOptions options = Seq2SeqData.Options(epochs: 3);
        options.Shape = options.Shape with { ModelDimension = 32, Heads = 2, FeedForwardDimension = 64 };
        options.LearningRate = 3e-3;
        options.BatchSize = 8;
        Model = Seq2SeqData.Fit(Ml, Ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(400, seed: 1, reverse: false)), options);
    }

    public MLContext Ml { get; }

    public TransformerChain<SequenceToSequenceTransformer> Model { get; }

    public void Dispose() => Model.LastTransformer.Dispose();
}
