using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>GetAttention on trained chains: the map has the model's kinds, layers and heads, and the tokens the
/// pipeline makes of the text; clear errors otherwise.</summary>
[Collection(AttentionModelsCollection.Name)]
public class AttentionMapTests(AttentionModels models)
{
    private const string Review = "the plot was good and the acting too";

    [Fact]
    public void ClassifierMapHasEncoderSelfAttentionOfEveryLayerAndHeadOverThePipelinesTokens()
    {
        AttentionMap map = models.Classifier.GetAttention(Review);
        int[] ids = AttentionWeightsTests.PipelineIds(models, Review);
        string[] tokens = AttentionTokens.Readable(models.ClassifierTokens.Tokenizer, ids);

        Assert.Equal([AttentionKind.EncoderSelf], map.Kinds);
        Assert.Equal(models.Classifier.LastTransformer.Layers, map.Layers(AttentionKind.EncoderSelf));
        Assert.Equal(2, map.Layers(AttentionKind.EncoderSelf));
        Assert.Equal(2, map.Heads);
        Assert.Equal(Review, map.Text);
        Assert.Null(map.Output);
        Assert.Equal(tokens, map.QueryTokens(AttentionKind.EncoderSelf));
        Assert.Equal(tokens, map.KeyTokens(AttentionKind.EncoderSelf));
        Assert.Equal("[CLS]", tokens[0]);
        // byte-level BPE labels read as text: "Ġplot" is shown "▁plot", and the pieces spell the input
        Assert.DoesNotContain(tokens, t => t.Contains('Ġ'));
        Assert.Contains(tokens, t => t.StartsWith('▁'));
        Assert.Equal(Review, string.Concat(tokens.Skip(1)).Replace('▁', ' '));
        Assert.Equal(new[] { ids.Length, ids.Length }, Shape(map.Weights(AttentionKind.EncoderSelf, 1, 1)));
    }

    [Fact]
    public void Seq2SeqMapHasAllThreeKindsWithSourceAndOutputTokens()
    {
        const string source = "c a f b";
        AttentionMap map = models.Seq2Seq.GetAttention(source);
        var seq2seq = models.Seq2Seq.LastTransformer;
        IDataView scored = models.Seq2Seq.Transform(models.Ml.Data.LoadFromEnumerable([new Seq2Seq.Seq2SeqData.SourceOnly { Source = source }]));
        string output = scored.GetColumn<string>("Prediction").Single();
        int[] outputIds = [.. scored.GetColumn<VBuffer<int>>("PredictionTokens").Single().DenseValues()];

        Assert.Equal([AttentionKind.EncoderSelf, AttentionKind.DecoderSelf, AttentionKind.EncoderDecoder], map.Kinds);
        Assert.Equal(2, map.Layers(AttentionKind.EncoderSelf));
        Assert.Equal(1, map.Layers(AttentionKind.DecoderSelf));
        Assert.Equal(1, map.Layers(AttentionKind.EncoderDecoder));
        Assert.Equal(2, map.Heads);
        Assert.Equal(output, map.Output);

        string[] sourceTokens = ["c", "a", "f", "b", "[EOS]"];   // the source tokenizer appends [EOS]
        string[] decoderTokens = ["[BOS]", .. outputIds.Select(id => seq2seq.TargetTokenizer.Tokenizer.IdToToken(id))];
        Assert.Equal(sourceTokens, map.QueryTokens(AttentionKind.EncoderSelf));
        Assert.Equal(sourceTokens, map.KeyTokens(AttentionKind.EncoderSelf));
        Assert.Equal(decoderTokens, map.QueryTokens(AttentionKind.DecoderSelf));
        Assert.Equal(decoderTokens, map.KeyTokens(AttentionKind.DecoderSelf));
        Assert.Equal(decoderTokens, map.QueryTokens(AttentionKind.EncoderDecoder));
        Assert.Equal(sourceTokens, map.KeyTokens(AttentionKind.EncoderDecoder));
        Assert.Equal(new[] { decoderTokens.Length, sourceTokens.Length }, Shape(map.Weights(AttentionKind.EncoderDecoder, 0, 1)));
    }

    [Fact]
    public void BareModelWithItsTokenizerAndReloadedChainGiveTheSameMap()
    {
        AttentionMap chain = models.Classifier.GetAttention(Review);
        AttentionMap bare = models.Classifier.LastTransformer.GetAttention(Review, models.ClassifierTokens);
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("model.zip");
        models.Ml.Model.Save(models.Classifier, null, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        AttentionMap reloaded = loaded.GetAttention(Review);
        try
        {
            foreach (AttentionMap other in new[] { bare, reloaded })
            {
                Assert.Equal(chain.QueryTokens(AttentionKind.EncoderSelf), other.QueryTokens(AttentionKind.EncoderSelf));
                for (int layer = 0; layer < 2; layer++)
                    for (int head = 0; head < 2; head++)
                        Assert.Equal(chain.Weights(AttentionKind.EncoderSelf, layer, head), other.Weights(AttentionKind.EncoderSelf, layer, head));
            }
        }
        finally
        {
            ((loaded as TransformerChain<ITransformer>)?.LastTransformer as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void ClearErrors()
    {
        var empty = Assert.Throws<ArgumentException>(() => models.Classifier.GetAttention("  "));
        Assert.Equal("text", empty.ParamName);

        var noAttention = Assert.Throws<ArgumentException>(() => ((ITransformer)models.ClassifierTokens).GetAttention(Review));
        Assert.Contains("no Transformer model with attention", noAttention.Message);
        ITransformer plain = models.Ml.Transforms.Text.NormalizeText("Text").Fit(models.Ml.Data.LoadFromEnumerable([new AttentionWeightsTests.TextRow { Text = "x" }]));
        Assert.Contains("NormalizingTransformer", Assert.Throws<ArgumentException>(() => plain.GetAttention(Review)).Message);

        var noTokenizer = Assert.Throws<ArgumentException>(() => models.Classifier.LastTransformer.GetAttention(Review));
        Assert.Contains("no TokenizerTransformer", noTokenizer.Message);
        Assert.Contains("GetAttention(text, tokenizer)", noTokenizer.Message);

        AttentionMap map = models.Classifier.GetAttention(Review);
        Assert.Contains("EncoderSelf", Assert.Throws<ArgumentException>(() => map.Weights(AttentionKind.DecoderSelf, 0, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Weights(AttentionKind.EncoderSelf, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Weights(AttentionKind.EncoderSelf, 0, -1));
    }

    [Fact]
    public void TooLongTextFailsAsScoringDoes()
    {
        // the tokenizer cuts at its MaxLength (24), within the classifier's max_len: no error, the cut row is shown
        string longReview = string.Join(' ', Enumerable.Repeat(Review, 10));
        AttentionMap map = models.Classifier.GetAttention(longReview);
        Assert.Equal(AttentionModels.ClassifierTokenizer.MaxLength, map.QueryTokens(AttentionKind.EncoderSelf).Count);

        // a tokenizer with a larger MaxLength than the model's max_len fails as scoring does
        var wide = new TokenizerTransformer(models.Ml, "Tokens", "Text", AttentionModels.ClassifierTokenizer with { MaxLength = 200 },
            models.ClassifierTokens.Tokenizer);
        var error = Assert.Throws<ArgumentException>(() => models.Classifier.LastTransformer.GetAttention(longReview, wide));
        Assert.Contains("max_len", error.Message);
    }

    [Theory]
    [InlineData("Ġanimal", "▁animal")]
    [InlineData("ĠitĊ", "▁it↵")]
    [InlineData("Ã©t", "ét")]
    [InlineData("â", "<0xE2>")]
    public void ByteLevelTokensAreShownAsText(string token, string shown)
    {
        string text = AttentionTokens.FromByteAlphabet(token);
        Assert.Equal(shown, text.Replace(' ', '▁').Replace("\n", "↵"));
    }

    private static int[] Shape(float[,] weights) => [weights.GetLength(0), weights.GetLength(1)];
}
