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
/// A fitted "embed and position-encode" step: token ids → token embedding · √d_model + position encoding (and,
/// when contextual, a trained encoder stack), as a <c>max_len × d_model</c> vector per row or a mean-pooled
/// d_model vector. Rows are embedded in blocks of <see cref="BlockTransformerBase.BlockSize"/>. Thread-safe for
/// scoring; dispose it to free the native tensors.
/// </summary>
public sealed class EmbeddingTransformer : BlockTransformerBase, IDisposable
{
    internal const string LoaderSignature = "MLTransformerEmbedding";
    internal static readonly ComponentFormat Format = new("Embedding", "MLTEMBED", LoaderSignature, CurrentVersion: 1, typeof(EmbeddingTransformer));

    internal EmbeddingTransformer(IHostEnvironment env, EmbeddingConfig config, TransformerEncoderModel model)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(EmbeddingTransformer)), config.BlockSize)
    {
        Config = config;
        Model = model;
        Model.eval();
    }

    internal EmbeddingConfig Config { get; }

    internal TransformerEncoderModel Model { get; }

    /// <summary>The token-id column read.</summary>
    public string InputColumnName => Config.InputColumnName;

    /// <summary>The float vector column written.</summary>
    public string OutputColumnName => Config.OutputColumnName;

    /// <summary>d_model.</summary>
    public int ModelDimension => Config.Model.ModelDimension;

    /// <summary>Rows of the embedding table: valid token ids are 0 … VocabularySize − 1.</summary>
    public int VocabularySize => Config.Model.SourceVocabularySize;

    /// <summary>Positions covered (max_len).</summary>
    public int MaxLength => Config.Model.MaxLength;

    /// <summary>Sequence output or pooled sentence vector.</summary>
    public EmbeddingPooling Pooling => Config.Pooling;

    /// <summary>Whether a trained encoder stack runs after the embedding.</summary>
    public bool IsContextual => Config.Model.EncoderLayers > 0;

    /// <summary>[max_len, d_model] (sequence) or [d_model] (pooled), with those dimensions in the type.</summary>
    internal VectorDataViewType OutputType => Pooling == EmbeddingPooling.Mean
        ? new VectorDataViewType(NumberDataViewType.Single, ModelDimension)
        : new VectorDataViewType(NumberDataViewType.Single, MaxLength, ModelDimension);

    private static EmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        SavedComponent<EmbeddingConfig> saved = ComponentArchive.Load<EmbeddingConfig>(ctx, Format);
        var model = new TransformerEncoderModel(saved.Config.Model.Validate(), seed: 0);
        ModuleState.Import(model, saved.Tensors);
        return new EmbeddingTransformer(env, saved.Config, model);
    }

    /// <summary>Writes the columns, the shape and the tables through the library's save format.</summary>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ComponentArchive.Save(ctx, Format, Config, ModuleState.Export(Model));
    }

    private protected override IBlockMapper Bind(DataViewSchema inputSchema) => new EmbeddingBlockMapper(this, Host, inputSchema);

    /// <summary>Frees the native tensors.</summary>
    public void Dispose() => Model.Dispose();
}
