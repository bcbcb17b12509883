using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The encoder half on its own: token ids → embedding · √d_model + positions → N encoder layers → contextual vectors.
/// With N = 0 it is the "embed and position-encode" step alone. The body of the classifier and the source of
/// pretrained features for <c>EmbedAndPositionEncode</c>.
/// </summary>
internal sealed class TransformerEncoderModel : nn.Module
{
    private readonly TransformerEmbedding embedding;
    private readonly Encoder encoder;

    public TransformerEncoderModel(TransformerConfig config, long seed) : base(nameof(TransformerEncoderModel))
    {
        Config = config.Validate();
        if (config.SourceVocabularySize <= 0)
            throw new ArgumentException("An encoder model needs SourceVocabularySize > 0.", nameof(config));
        embedding = new TransformerEmbedding(config.SourceVocabularySize, config);
        encoder = new Encoder(config);
        RegisterComponents();
        ParameterInitialization.Initialize(this, seed, config.EmbeddingInitialization);
    }

    public TransformerConfig Config { get; }

    /// <summary>The token embedding [vocabulary, d_model], which a tied output projection reuses.</summary>
    public TorchSharp.Modules.Embedding TokenTable => embedding.TokenTable;

    /// <summary>[batch, L] int64 ids → the stack's input [batch, L, d_model] (embedding, positions, dropout): what
    /// ELECTRA's generator reads, sharing these embeddings with the encoder.</summary>
    public Tensor Embed(Tensor tokenIds) => embedding.Forward(tokenIds);

    /// <summary>[batch, L] int64 ids → (hidden [batch, L, d_model], key-padding mask [batch, 1, 1, L]).</summary>
    /// <param name="tokenTypeIds">BERT's segment ids [batch, L], when the config has a token-type table; null = type 0.</param>
    public (Tensor Hidden, Tensor Mask) Forward(Tensor tokenIds, Tensor? tokenTypeIds = null)
    {
        Tensor mask = AttentionMasks.KeyPadding(tokenIds, Config.PaddingId);
        return (encoder.Forward(embedding.Forward(tokenIds, tokenTypeIds: tokenTypeIds), mask), mask);
    }
}
