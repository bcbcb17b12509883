using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Embedding;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretraining;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;

[assembly: LoadableClass(typeof(PretrainedEncoderTransformer), null, typeof(SignatureLoadModel),
    "Transformer Pretrained Encoder", PretrainedEncoderTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer;

/// <summary>
/// An encoder pretrained on text (<c>mlContext.Transforms.Text.PretrainEncoder</c>: with masked language modelling, or as
/// the discriminator of ELECTRA's replaced-token detection), with the tokenizer it was pretrained with. Like an imported checkpoint (<see cref="PretrainedEncoder"/>) it starts a
/// classifier (<see cref="TransformerClassifierOptions.InitialEncoder"/>; <c>TransformerOnText</c> then tokenizes with
/// this tokenizer), lends its encoder to <see cref="EmbeddingOptions.Source"/> and to further pretraining; as a
/// transformer, <c>Transform</c> writes each text's sentence embedding (the mean of its last hidden states, padding
/// excluded) to the features column. It saves in the ML.NET zip with its tokenizer. Thread-safe for scoring; dispose
/// it to free the native tensors.
/// </summary>
public sealed class PretrainedEncoderTransformer : ModelTransformerBase, ITransformerEncoderSource, IEncoderTokenizerSource
{
    internal const string LoaderSignature = "MLTransformerPretrained";
    internal static readonly ComponentFormat Format = new("PretrainedEncoder", "MLTPRETR", LoaderSignature, CurrentVersion: 1, typeof(PretrainedEncoderTransformer));

    internal PretrainedEncoderTransformer(IHostEnvironment env, PretrainedEncoderConfig config, TransformerEncoderModel model, TokenizerTransformer tokenizer)
        : base(env, Format, config, model)
    {
        (Config, Model, Tokenizer) = (config, model, tokenizer);
    }

    internal PretrainedEncoderConfig Config { get; }

    internal TransformerEncoderModel Model { get; }

    /// <summary>The tokenizer the encoder reads: its vocabulary, and the options fine-tuning tokenizes with.</summary>
    public TokenizerTransformer Tokenizer { get; }

    /// <summary>The options a classifier's tokenizer takes: this tokenizer's, [CLS] first, at most <see cref="MaxLength"/> tokens.</summary>
    public TokenizerOptions TokenizerOptions => Tokenizer.Options;

    /// <summary>The text column read.</summary>
    public string TextColumnName => Config.TextColumnName;

    /// <summary>The sentence-embedding column written (d_model floats).</summary>
    public string FeaturesColumnName => Config.FeaturesColumnName;

    /// <summary>Positions covered (the sequence length pretrained on).</summary>
    public int MaxLength => Config.Model.MaxLength;

    /// <summary>Encoder layers.</summary>
    public int Layers => Config.Model.EncoderLayers;

    /// <summary>Rows of the token embedding.</summary>
    public int VocabularySize => Config.Model.SourceVocabularySize;

    /// <summary>Each epoch: the objective's loss and accuracy (training and validation), speed. Masked language modelling:
    /// masked-token loss and accuracy; replaced-token detection: the joint loss and the discriminator's accuracy over the
    /// tokens, with <see cref="ReplacedTokenDetectionMetrics"/> in <see cref="EpochSummary.ValidationDetails"/>.</summary>
    public IReadOnlyList<EpochSummary> TrainingHistory => Config.History;

    /// <summary>The objective the encoder was pretrained with.</summary>
    public PretrainingObjective Objective => Config.Objective;

    EncoderSnapshot ITransformerEncoderSource.ExportEncoder()
    {
        ThrowIfDisposed();
        return new(Config.Model, ModuleState.Export(Model), Config.VocabularyFingerprint);
    }

    TextTokenizer? IEncoderTokenizerSource.FittedTokenizer => Tokenizer.Tokenizer;

    private static PretrainedEncoderTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        SavedComponent<PretrainedEncoderConfig> saved = Read<PretrainedEncoderConfig>(env, ctx, Format);
        PretrainedEncoderConfig config = saved.Config;
        var (modelTensors, tokenizer) = EmbeddedTokenizer.Import(env, saved, config.Tokenizer, PretrainedEncoderConfig.TokenizerPrefix,
            config.Model.SourceVocabularySize);
        return ModelFormatException.ThrowIfInvalid(saved.Source, SavedSettings, () => new PretrainedEncoderTransformer(env, config,
            Restore(config.Model, shape => new TransformerEncoderModel(shape, seed: 0), modelTensors), tokenizer));
    }

    /// <summary>The config with the tokenizer's, whose BPE merges (if any) go with the weights.</summary>
    private protected override IModelConfig ConfigToSave(List<TensorData> tensors)
        => Config with { Tokenizer = EmbeddedTokenizer.Export(Tokenizer, PretrainedEncoderConfig.TokenizerPrefix, tensors) };

    private protected override IBlockMapper Bind(DataViewSchema inputSchema) => new PretrainedEncoderBlockMapper(this, Host, inputSchema);
}
