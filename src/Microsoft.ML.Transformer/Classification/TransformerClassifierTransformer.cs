using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Serialization;

[assembly: LoadableClass(typeof(TransformerClassifierTransformer), null, typeof(SignatureLoadModel),
    "Transformer Classifier", TransformerClassifierTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer;

/// <summary>
/// A trained Transformer classifier. Binary: writes <c>Score</c> (the logit), <c>Probability</c> (its sigmoid, calibrated
/// by the log-loss training) and <c>PredictedLabel</c> (Probability &gt; 0.5). Multiclass: <c>Score</c> (a probability
/// per class) and <c>PredictedLabel</c> (a key of the label's type). <c>Transform</c> scores blocks of rows per model
/// call. Thread-safe for scoring; dispose it to free the native tensors.
/// </summary>
public sealed class TransformerClassifierTransformer : ModelTransformerBase, ITransformerEncoderSource, IAttentionSource
{
    internal const string LoaderSignature = "MLTransformerClassifier";
    internal static readonly ComponentFormat Format = new("Classifier", "MLTCLASS", LoaderSignature, CurrentVersion: 1, typeof(TransformerClassifierTransformer));

    internal TransformerClassifierTransformer(IHostEnvironment env, ClassifierConfig config, TransformerClassifierModel model)
        : base(env, Format, config, model)
    {
        (Config, Model) = (config, model);
    }

    internal ClassifierConfig Config { get; }

    internal TransformerClassifierModel Model { get; }

    /// <summary>The token-id column read.</summary>
    public string TokensColumnName => Config.TokensColumnName;

    /// <summary>Whether this is a binary classifier (Boolean label) rather than a multiclass one.</summary>
    public bool IsBinary => Config.Kind == ClassifierKind.Binary;

    /// <summary>Number of classes (2 for binary).</summary>
    public int ClassCount => Config.ClassCount;

    /// <summary>The classes' names (the label's key values, as text when they are numbers) for multiclass, or null.</summary>
    public IReadOnlyList<string>? ClassNames => Config.ClassNames;

    /// <summary>Encoder layers.</summary>
    public int Layers => Config.Model.EncoderLayers;

    /// <summary>Token ids accepted: 0 … VocabularySize − 1.</summary>
    public int VocabularySize => Config.Model.SourceVocabularySize;

    /// <summary>max_len.</summary>
    public int MaxLength => Config.Model.MaxLength;

    /// <summary>What each training epoch achieved (loss, accuracy, validation metric, speed).</summary>
    public IReadOnlyList<EpochSummary> TrainingHistory => Config.History;

    EncoderSnapshot ITransformerEncoderSource.ExportEncoder()
    {
        ThrowIfDisposed();
        return new(Config.Model, ModuleState.Export(Model.Body), Config.VocabularyFingerprint);
    }

    string? IAttentionSource.TokenColumnName => Config.TokensColumnName;

    TokenizerTransformer? IAttentionSource.InputTokenizer => null;

    /// <summary>Encoder self-attention of every layer on one row, checked as scoring checks it (vocabulary, max_len).</summary>
    AttentionRecording IAttentionSource.RecordAttention(int[] tokenIds, TextTokenizer tokenizer)
    {
        ThrowIfDisposed();
        return new([ClassifierAttention.Record(Model, tokenIds, tokenizer)]);
    }

    private static TransformerClassifierTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        SavedComponent<ClassifierConfig> saved = Read<ClassifierConfig>(env, ctx, Format);
        ClassifierConfig config = saved.Config;
        if (config.ClassCount < 2 || config.ClassNames is { } names && names.Length != config.ClassCount)
            throw new ModelFormatException($"{saved.Source}: classCount {config.ClassCount} and {config.ClassNames?.Length} class names are inconsistent.");
        if (config.ClassNames is not null && ClassValues.Type(config.ClassValueKind, config.ClassCount) is null)
            throw new ModelFormatException($"{saved.Source}: classValueKind {config.ClassValueKind} is not a type of class values.");
        return ModelFormatException.ThrowIfInvalid(saved.Source, SavedSettings, () => new TransformerClassifierTransformer(env, config,
            Restore(config.Model, shape => new TransformerClassifierModel(shape, config.Pooling, config.Outputs, seed: 0), saved.Tensors)));
    }

    private protected override IBlockMapper Bind(DataViewSchema inputSchema) => new ClassifierBlockMapper(this, Host, inputSchema);
}
