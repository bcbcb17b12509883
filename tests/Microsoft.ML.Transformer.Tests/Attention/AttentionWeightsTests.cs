using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>The recorded weights are the paper's softmax(QKᵀ/√d_k) with the masks: computed by hand from each layer's
/// own W^Q and W^K, rows summing to 1, nothing on padding keys or on later positions of the decoder.</summary>
[Collection(AttentionModelsCollection.Name)]
public class AttentionWeightsTests(AttentionModels models)
{
    private const string Text = "the plot was good and the acting too";

    [Fact]
    public void ClassifierMapIsSoftmaxOfEachLayersOwnQueriesAndKeys()
    {
        AttentionMap map = models.Classifier.GetAttention(Text);
        TransformerEncoderModel body = models.Classifier.LastTransformer.Model.Body;
        var modules = body.named_modules().ToDictionary(m => m.name, m => m.module);
        var state = body.state_dict();
        int[] ids = PipelineIds(models, Text);

        using var scope = NewDisposeScope();
        using var inference = no_grad();
        Tensor input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        Tensor x = ((TransformerEmbedding)modules["embedding"]).Forward(input);
        for (int layer = 0; layer < map.Layers(AttentionKind.EncoderSelf); layer++)
        {
            float[,] rows = HandAttention.Rows(x);
            double[][,] expected = HandAttention.Weights(rows, rows, state, $"encoder.layers.{layer}.self_attn.", map.Heads, (_, _) => true);
            for (int head = 0; head < map.Heads; head++)
                AssertClose(expected[head], map.Weights(AttentionKind.EncoderSelf, layer, head), $"layer {layer}, head {head}");
            x = ((EncoderLayer)modules[$"encoder.layers.{layer}"]).Forward(x, mask: null);
        }
    }

    [Fact]
    public void RecordedWeightsAreSoftmaxWithThePaddingAndCausalMasks()
    {
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        TransformerConfig config = TinyModels.Config();
        using var model = new EncoderDecoder(config, seed: 5);
        model.eval();
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var state = model.state_dict();
        Tensor source = tensor(new long[,] { { 4, 9, 12, 5, 3 }, { 8, 11, 7, 0, 0 } });
        Tensor target = tensor(new long[,] { { 2, 7, 8, 9 }, { 2, 13, 14, 15 } });

        using var recorder = new AttentionRecorder();
        using (recorder.Attach(model))
        {
            var (memory, sourceMask) = model.Encode(source);
            model.Decode(target, memory, sourceMask);
        }

        Tensor sourceX = ((TransformerEmbedding)modules["source_embedding"]).Forward(source);
        Tensor targetX = ((TransformerEmbedding)modules["target_embedding"]).Forward(target);
        for (int row = 0; row < 2; row++)
        {
            int sourceLength = row == 0 ? 5 : 3;
            float[,] s = HandAttention.Rows(sourceX, row), t = HandAttention.Rows(targetX, row);
            double[][,] encoder = HandAttention.Weights(s, s, state, "encoder.layers.0.self_attn.", config.Heads, (_, k) => k < sourceLength);
            double[][,] decoder = HandAttention.Weights(t, t, state, "decoder.layers.0.self_attn.", config.Heads, (q, k) => k <= q);
            for (int head = 0; head < config.Heads; head++)
            {
                AssertClose(encoder[head], Matrix(recorder.Get(AttentionKind.EncoderSelf, 0), row, head), $"encoder, row {row}, head {head}");
                AssertClose(decoder[head], Matrix(recorder.Get(AttentionKind.DecoderSelf, 0), row, head), $"decoder, row {row}, head {head}");
            }
        }
    }

    [Fact]
    public void RowsSumToOnePaddingKeysGetNothingAndTheDecoderDoesNotLookAhead()
    {
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        using var model = new EncoderDecoder(TinyModels.Config(normFirst: true), seed: 6);
        model.eval();
        Tensor source = tensor(new long[,] { { 4, 9, 12, 5, 3, 6 }, { 8, 11, 0, 0, 0, 0 } });
        Tensor target = tensor(new long[,] { { 2, 7, 8, 9, 10 }, { 2, 13, 14, 0, 0 } });
        using var recorder = new AttentionRecorder();
        using (recorder.Attach(model))
        {
            var (memory, sourceMask) = model.Encode(source);
            model.Decode(target, memory, sourceMask);
        }

        Assert.Equal(6, recorder.Records.Count);   // 2 layers × (encoder self; decoder self, encoder–decoder)
        foreach (var (kind, layer, weights) in recorder.Records)
        {
            TensorAssert.Close(ones(weights.shape[..^1]), weights.sum(-1), 1e-5);
            Assert.True(weights.min().item<float>() >= 0);
            if (kind != AttentionKind.DecoderSelf)   // keys are the source: row 1 has 2 tokens, then padding
                Assert.Equal(0f, weights[1, .., .., 2..].abs().max().item<float>());
            else   // keys are the target positions: nothing above the diagonal
                Assert.Equal(0f, weights.triu(1).abs().max().item<float>());
        }
    }

    [Fact]
    public void Seq2SeqMapRowsSumToOneAndDecoderSelfAttentionIsCausal()
    {
        AttentionMap map = models.Seq2Seq.GetAttention("a b c d");
        foreach (AttentionKind kind in map.Kinds)
            for (int layer = 0; layer < map.Layers(kind); layer++)
                for (int head = 0; head < map.Heads; head++)
                {
                    float[,] w = map.Weights(kind, layer, head);
                    for (int q = 0; q < w.GetLength(0); q++)
                    {
                        double sum = 0;
                        for (int k = 0; k < w.GetLength(1); k++)
                        {
                            sum += w[q, k];
                            if (kind == AttentionKind.DecoderSelf && k > q) Assert.Equal(0f, w[q, k]);
                        }
                        Assert.Equal(1.0, sum, 1e-5);
                    }
                }
    }

    /// <summary>The ids the fitted pipeline's tokenizer writes for <paramref name="text"/>.</summary>
    internal static int[] PipelineIds(AttentionModels models, string text)
    {
        IDataView one = models.Ml.Data.LoadFromEnumerable([new TextRow { Text = text }]);
        return [.. models.ClassifierTokens.Transform(one).GetColumn<VBuffer<int>>("Tokens").Single().DenseValues()];
    }

    internal sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private static float[,] Matrix(Tensor weights, int row, int head)
    {
        float[,] m = HandAttention.Rows(weights[row], head);
        return m;
    }

    private static void AssertClose(double[,] expected, float[,] actual, string where)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int q = 0; q < expected.GetLength(0); q++)
            for (int k = 0; k < expected.GetLength(1); k++)
                Assert.True(Math.Abs(expected[q, k] - actual[q, k]) < 2e-5, $"{where}, [{q}, {k}]: by hand {expected[q, k]:G6}, recorded {actual[q, k]:G6}");
    }
}
