using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The input of an encoder or decoder stack: token embedding · √d_model (the paper's section 3.4) plus the
/// position encoding, then dropout (section 5.4). [batch, L] token ids → [batch, L, d_model].
/// BERT's variant (config options): no scaling, a token-type embedding added too, and LayerNorm before the dropout.
/// </summary>
internal sealed class TransformerEmbedding : nn.Module
{
    private readonly TorchSharp.Modules.Embedding tokens;
    private readonly TorchSharp.Modules.Embedding? positions;     // learned positions (Bloem); null for fixed or none
    private readonly TorchSharp.Modules.Embedding? token_types;   // BERT's segment table; null when the config has none
    private readonly LayerNorm? norm;                             // BERT's embedding LayerNorm; null for the paper's model
    private readonly CounterDropout dropout;
    private readonly PositionalEncodingKind _kind;
    private readonly int _maxLength;
    private readonly double _scale;
    private readonly Scalar _scaleScalar;   // kept with the module: see KeptScalars

    public TransformerEmbedding(int vocabularySize, TransformerConfig config, TorchSharp.Modules.Embedding? sharedTokens = null) : base(nameof(TransformerEmbedding))
    {
        _kind = config.Positional;
        _maxLength = config.MaxLength;
        _scale = config.ScaleEmbeddings ? Math.Sqrt(config.ModelDimension) : 1;
        _scaleScalar = _scale;
        tokens = sharedTokens ?? nn.Embedding(vocabularySize, config.ModelDimension);
        if (_kind == PositionalEncodingKind.Learned)
            positions = nn.Embedding(config.MaxLength, config.ModelDimension);
        if (config.TokenTypeVocabularySize > 0)
            token_types = nn.Embedding(config.TokenTypeVocabularySize, config.ModelDimension);
        if (config.EmbeddingLayerNorm)
            norm = nn.LayerNorm(config.ModelDimension, config.LayerNormEpsilon);
        dropout = new CounterDropout(config.Dropout);
        RegisterComponents();
        if (_kind is PositionalEncodingKind.Sinusoidal or PositionalEncodingKind.SinusoidalConcatenated)
        {
            // Not persistent: the table is a pure function of the config, so it is not saved with the model.
            register_buffer("sinusoid", SinusoidalPositions.Table(config.MaxLength, config.ModelDimension,
                _kind == PositionalEncodingKind.SinusoidalConcatenated), persistent: false);
        }
    }

    /// <summary>The registered name of the token table (<c>….tokens.weight</c>), which the initialization draws apart.</summary>
    internal const string TokenTableName = nameof(tokens);

    /// <summary>The token embedding matrix [vocabulary, d_model] (shared with the output projection when tied).</summary>
    public TorchSharp.Modules.Embedding TokenTable => tokens;

    /// <param name="tokenIds">[batch, L] int64.</param>
    /// <param name="startPosition">Position of the first token (incremental decoding continues from the cache).</param>
    /// <param name="tokenTypeIds">[batch, L] int64 segment ids when the config has a token-type table; null means
    /// type 0 everywhere (a single sentence, as BERT's tokenizer gives it).</param>
    public Tensor Forward(Tensor tokenIds, long startPosition = 0, Tensor? tokenTypeIds = null)
    {
        long length = tokenIds.shape[1];
        if (startPosition + length > _maxLength)
            throw new ArgumentException($"Sequence of {startPosition + length} positions exceeds max_len {_maxLength}.", nameof(tokenIds));
        Tensor x = tokens.forward(tokenIds);
        if (_scale != 1) x = x.mul(_scaleScalar);
        Tensor? table = _kind switch
        {
            PositionalEncodingKind.Learned => positions!.weight!,
            PositionalEncodingKind.None => null,
            _ => get_buffer("sinusoid")!,
        };
        if (table is not null)
            x = x.add_(table.narrow(0, startPosition, length).to(x.dtype), KeptScalars.One);   // see KeptScalars
        if (token_types is not null)
            x = tokenTypeIds is null ? x.add_(token_types.weight![0].to(x.dtype), KeptScalars.One) : x.add_(token_types.forward(tokenTypeIds), KeptScalars.One);
        if (norm is not null) x = norm.forward(x);
        return dropout.forward(x);
    }
}
