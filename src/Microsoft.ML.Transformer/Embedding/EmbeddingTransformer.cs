using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Embedding;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Serialization;

[assembly: LoadableClass(typeof(EmbeddingTransformer), null, typeof(SignatureLoadModel),
    "Transformer Embedding", EmbeddingTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer;

/// <summary>
/// A fitted "embed and position-encode" step: token ids → token embedding · √d_model + position encoding (a source
/// model brings its own variant, e.g. BERT's unscaled sum with token types and LayerNorm), and, when contextual, a
/// trained encoder stack; as a <c>max_len × d_model</c> vector per row or a mean-pooled d_model vector, optionally
/// L2-normalised. Rows are embedded in blocks of <see cref="BlockTransformerBase.BlockSize"/>. Thread-safe for
/// scoring; dispose it to free the native tensors.
/// </summary>
public sealed class EmbeddingTransformer : ModelTransformerBase
{
    internal const string LoaderSignature = "MLTransformerEmbedding";
    internal static readonly ComponentFormat Format = new("Embedding", "MLTEMBED", LoaderSignature, CurrentVersion: 1, typeof(EmbeddingTransformer));

    internal EmbeddingTransformer(IHostEnvironment env, EmbeddingConfig config, TransformerEncoderModel model)
        : base(env, Format, config, model)
    {
        (Config, Model) = (config, model);
    }

    internal EmbeddingConfig Config { get; }

    internal TransformerEncoderModel Model { get; }

    /// <summary>The token-id column read.</summary>
    public string InputColumnName => Config.InputColumnName;

    /// <summary>The float vector column written.</summary>
    public string OutputColumnName => Config.OutputColumnName;

    /// <summary>Rows of the embedding table: valid token ids are 0 … VocabularySize − 1.</summary>
    public int VocabularySize => Config.Model.SourceVocabularySize;

    /// <summary>Positions covered (max_len).</summary>
    public int MaxLength => Config.Model.MaxLength;

    /// <summary>Sequence output or pooled sentence vector.</summary>
    public EmbeddingPooling Pooling => Config.Pooling;

    /// <summary>Whether each output vector is scaled to unit L2 length.</summary>
    public bool Normalize => Config.Normalize;

    /// <summary>Whether a trained encoder stack runs after the embedding.</summary>
    public bool IsContextual => Config.Model.EncoderLayers > 0;

    /// <summary>[max_len, d_model] (sequence) or [d_model] (pooled), with those dimensions in the type.</summary>
    internal VectorDataViewType OutputType => Pooling == EmbeddingPooling.Mean
        ? new VectorDataViewType(NumberDataViewType.Single, ModelDimension)
        : new VectorDataViewType(NumberDataViewType.Single, MaxLength, ModelDimension);

    private static EmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        SavedComponent<EmbeddingConfig> saved = Read<EmbeddingConfig>(env, ctx, Format);
        return ModelFormatException.ThrowIfInvalid(saved.Source, SavedSettings,
            () => new EmbeddingTransformer(env, saved.Config, Restore(saved.Config.Model, shape => new TransformerEncoderModel(shape, seed: 0), saved.Tensors)));
    }

    private protected override IBlockMapper Bind(DataViewSchema inputSchema) => new EmbeddingBlockMapper(this, Host, inputSchema);
}
