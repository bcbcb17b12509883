using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Seq2Seq;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(SequenceToSequenceTransformer), null, typeof(SignatureLoadModel),
    "Transformer Sequence to Sequence", SequenceToSequenceTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer;

/// <summary>
/// A trained encoder–decoder Transformer. Reads the source token column and writes the decoded text, the predicted
/// token ids and (unless turned off) the prediction's log-probability. <c>Transform</c> decodes blocks of rows at a
/// time (greedy or beam search, with the decoder's key/value cache). Thread-safe for scoring; dispose it to free the
/// native tensors.
/// </summary>
public sealed class SequenceToSequenceTransformer : ModelTransformerBase, ITransformerEncoderSource, IAttentionSource
{
    internal const string LoaderSignature = "MLTransformerSeq2Seq";
    internal static readonly ComponentFormat Format = new("SequenceToSequence", "MLTSEQ2S", LoaderSignature, CurrentVersion: 1, typeof(SequenceToSequenceTransformer));

    internal SequenceToSequenceTransformer(IHostEnvironment env, Seq2SeqConfig config, EncoderDecoder model, TokenizerTransformer targetTokenizer)
        : base(env, Format, config, model)
    {
        (Config, Model, TargetTokenizer) = (config, model, targetTokenizer);
    }

    internal Seq2SeqConfig Config { get; }

    internal EncoderDecoder Model { get; }

    /// <summary>The tokenizer of the target side: its vocabulary is the decoder's, and it turns predicted ids into text.</summary>
    public TokenizerTransformer TargetTokenizer { get; }

    /// <summary>The source token-id column read.</summary>
    public string SourceTokensColumnName => Config.SourceTokensColumnName;

    /// <summary>The decoded text column written.</summary>
    public string OutputColumnName => Config.OutputColumnName;

    /// <summary>How this transformer decodes.</summary>
    public DecodingOptions Decoding => Config.Decoding;

    /// <summary>Source token ids accepted: 0 … SourceVocabularySize − 1.</summary>
    public int SourceVocabularySize => Config.Model.SourceVocabularySize;

    /// <summary>Target vocabulary size (the decoder's output classes).</summary>
    public int TargetVocabularySize => Config.Model.TargetVocabularySize;

    /// <summary>What each training epoch achieved (loss, token accuracy, validation loss and token accuracy, speed).</summary>
    public IReadOnlyList<EpochSummary> TrainingHistory => Config.History;

    /// <summary>The same model with other decoding settings (e.g. beam search after training with greedy). The two share
    /// the weights: dispose only one of them, once neither is used any more.</summary>
    public SequenceToSequenceTransformer WithDecoding(DecodingOptions decoding)
    {
        Host.CheckValue(decoding, nameof(decoding));
        OptionsCheck.Valid(Host, nameof(DecodingOptions), decoding.Validate);
        return new SequenceToSequenceTransformer(Host, Config with { Decoding = decoding }, Model, TargetTokenizer) { ScoringThreads = ScoringThreads };
    }

    /// <summary>The source embedding and the encoder, as an encoder-only model (its state named as
    /// <see cref="TransformerEncoderModel"/>'s), for <c>EmbedAndPositionEncode</c> and a classifier's InitialEncoder.</summary>
    EncoderSnapshot ITransformerEncoderSource.ExportEncoder()
    {
        ThrowIfDisposed();
        const string sourceEmbedding = "source_embedding.", encoder = "encoder.";
        var state = ModuleState.Export(Model)
            .Where(t => t.Name.StartsWith(sourceEmbedding, StringComparison.Ordinal) || t.Name.StartsWith(encoder, StringComparison.Ordinal))
            .Select(t => t.Name.StartsWith(sourceEmbedding, StringComparison.Ordinal) ? t.Rename("embedding." + t.Name[sourceEmbedding.Length..]) : t);
        TransformerConfig encoderOnly = Config.Model with
        {
            DecoderLayers = 0, TargetVocabularySize = 0, ShareSourceTargetEmbeddings = false, TieOutputProjection = false,
        };
        return new EncoderSnapshot(encoderOnly, [.. state]);
    }

    /// <summary>Decodes source ids [rows, L_s] (on the model's device) with this transformer's decoding settings.</summary>
    internal DecodedSequence[] DecodeIds(Tensor sourceIds)
    {
        var limits = new DecodingLimits(Config.MaxOutputTokens, Config.Decoding.MinOutputLength);
        return Config.Decoding.BeamSize == 1
            ? GreedySearch.Decode(Model, sourceIds, limits)
            : BeamSearch.Decode(Model, sourceIds, Config.Decoding.BeamSize, Config.Decoding.LengthPenalty, limits);
    }

    string? IAttentionSource.TokenColumnName => Config.SourceTokensColumnName;

    TokenizerTransformer? IAttentionSource.InputTokenizer => null;

    /// <summary>Decodes the source as scoring does, then records encoder self, decoder self and encoder–decoder
    /// attention in one teacher-forced pass over [BOS] + the output.</summary>
    AttentionRecording IAttentionSource.RecordAttention(int[] tokenIds, TextTokenizer tokenizer)
    {
        ThrowIfDisposed();
        return Seq2SeqAttention.Record(this, tokenIds, tokenizer);
    }

    private static SequenceToSequenceTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        SavedComponent<Seq2SeqConfig> saved = Read<Seq2SeqConfig>(env, ctx, Format);
        Seq2SeqConfig config = saved.Config;
        ModelFormatException.ThrowIfInvalid(saved.Source, "the saved decoding options", () => config.Decoding.Validate());
        var (modelTensors, targetTokenizer) = EmbeddedTokenizer.Import(env, saved, config.TargetTokenizer, Seq2SeqConfig.TargetTokenizerPrefix,
            config.Model.TargetVocabularySize);
        return ModelFormatException.ThrowIfInvalid(saved.Source, SavedSettings,
            () => new SequenceToSequenceTransformer(env, config, Restore(config.Model, shape => new EncoderDecoder(shape, seed: 0), modelTensors), targetTokenizer));
    }

    /// <summary>The config with the target tokenizer's, whose BPE merges (if any) go with the weights.</summary>
    private protected override IModelConfig ConfigToSave(List<TensorData> tensors)
        => Config with { TargetTokenizer = EmbeddedTokenizer.Export(TargetTokenizer, Seq2SeqConfig.TargetTokenizerPrefix, tensors) };

    private protected override IBlockMapper Bind(DataViewSchema inputSchema) => new Seq2SeqBlockMapper(this, Host, inputSchema);
}
