using Microsoft.ML.Transformer.Tests.Embedding;
using Microsoft.ML.Transformer.Tests.Seq2Seq;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>A tiny text classifier (byte-level BPE with [CLS], 2 layers × 2 heads) and a tiny sequence-to-sequence
/// model (word tokens with [EOS], 2 encoder and 1 decoder layers × 2 heads), each trained for one short epoch: enough
/// to be real trained chains, not to be good.</summary>
public sealed class AttentionModels : IDisposable
{
    public AttentionModels()
    {
        Ml = new MLContext(seed: 1);
        IDataView reviews = EmbedAndPositionEncodeEstimatorTests.Reviews(Ml, 40);
        var classifierOptions = new TransformerClassifierOptions
        {
            Shape = { ModelDimension = 16, Heads = 2, Layers = 2, FeedForwardDimension = 32, Dropout = 0 }, Epochs = 1, BatchSize = 16, Seed = 3,
            MixedPrecision = false,   // float32 whatever the machine measures (see ClassifierData.Options)
        };
        Classifier = Ml.BinaryClassification.Trainers.TransformerOnText("Text", ClassifierTokenizer, classifierOptions).Fit(reviews);

        IDataView letters = Ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(64, seed: 1, reverse: true));
        SequenceToSequenceOptions seq2seqOptions = Seq2SeqData.Options(epochs: 1);
        seq2seqOptions.Shape = seq2seqOptions.Shape with { ModelDimension = 32, Heads = 2, Layers = 2, DecoderLayers = 1, FeedForwardDimension = 64 };
        seq2seqOptions.WarmupSteps = null;
        Seq2Seq = Ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", SourceTokenizer)
            .Append(Ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", seq2seqOptions))
            .Fit(letters);
    }

    public static TokenizerOptions ClassifierTokenizer => new()
    {
        Kind = TokenizerKind.BytePairEncoding, VocabularySize = 300, MinimumFrequency = 2, AddClassificationToken = true, MaxLength = 24,
    };

    public static TokenizerOptions SourceTokenizer => new() { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 12, AddEndOfSequence = true };

    public MLContext Ml { get; }

    public TransformerChain<TransformerClassifierTransformer> Classifier { get; }

    public TransformerChain<SequenceToSequenceTransformer> Seq2Seq { get; }

    public TokenizerTransformer ClassifierTokens => (TokenizerTransformer)Classifier.First();

    public TokenizerTransformer SourceTokens => (TokenizerTransformer)Seq2Seq.First();

    public void Dispose()
    {
        Classifier.LastTransformer.Dispose();
        Seq2Seq.LastTransformer.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AttentionModelsCollection : ICollectionFixture<AttentionModels>
{
    public const string Name = "Attention models";
}
