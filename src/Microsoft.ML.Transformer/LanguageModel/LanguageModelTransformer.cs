using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Compute;
using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(LanguageModelTransformer), null, typeof(SignatureLoadModel),
    "Transformer Language Model", LanguageModelTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer;

/// <summary>
/// A trained decoder-only Transformer language model with its tokenizer. <see cref="Generate(string, GenerationOptions?, CancellationToken)"/>
/// continues a prompt; <c>Transform</c> continues every row of the prompt column into the completion column;
/// <see cref="Evaluate"/> measures nats per token and bits per character on new text. Thread-safe; dispose it to free
/// the native tensors.
/// </summary>
public sealed class LanguageModelTransformer : ModelTransformerBase, IAttentionSource
{
    internal const string LoaderSignature = "MLTransformerLangModel";
    internal static readonly ComponentFormat Format = new("LanguageModel", "MLTLMODL", LoaderSignature, CurrentVersion: 1, typeof(LanguageModelTransformer));

    internal LanguageModelTransformer(IHostEnvironment env, LanguageModelConfig config, DecoderOnlyModel model, TokenizerTransformer tokenizer)
        : base(env, Format, config, model)
    {
        (Config, Model, Tokenizer) = (config, model, tokenizer);
    }

    internal LanguageModelConfig Config { get; }

    internal DecoderOnlyModel Model { get; }

    /// <summary>The tokenizer the model reads and writes.</summary>
    public TokenizerTransformer Tokenizer { get; }

    /// <summary>How <c>Transform</c> and <see cref="Generate(string, GenerationOptions?, CancellationToken)"/> continue prompts by default.</summary>
    public GenerationOptions Generation => Config.Generation;

    /// <summary>Tokens of context the model sees.</summary>
    public int ContextLength => Config.Model.MaxLength;

    /// <summary>Decoder layers.</summary>
    public int Layers => Config.Model.DecoderLayers;

    /// <summary>What each training epoch achieved (loss and next-token accuracy; validation loss in nats per token).</summary>
    public IReadOnlyList<EpochSummary> TrainingHistory => Config.History;

    /// <summary>The text the model writes after <paramref name="prompt"/> (the prompt itself not included).</summary>
    /// <param name="prompt">The text to continue; empty to start a new document.</param>
    /// <param name="options">Sampling settings; null for <see cref="Generation"/>.</param>
    /// <param name="cancellationToken">Stops generation before the next token with an <see cref="OperationCanceledException"/>.</param>
    public string Generate(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        options ??= Config.Generation;
        OptionsCheck.Valid(Host, nameof(GenerationOptions), options.Validate);
        List<int> ids;
        using (ComputeScope.During(ScoringThreads)) ids = GenerateIds(prompt, options, cancellationToken);
        return Tokenizer.Decode(ids.ToArray());
    }

    /// <summary>The text the model writes after <paramref name="prompt"/>, with the most used sampling settings.</summary>
    /// <param name="prompt">The text to continue.</param>
    /// <param name="maxNewTokens">Most tokens generated.</param>
    /// <param name="temperature">Below 1 more conservative, above 1 more varied; 0 is greedy.</param>
    /// <param name="topK">Sample among the k most probable tokens only (null: all).</param>
    /// <param name="topP">Sample among the most probable tokens covering probability p only (null: all).</param>
    /// <param name="seed">Same seed, same text (null: the model's default seed).</param>
    /// <param name="cancellationToken">Stops generation before the next token with an <see cref="OperationCanceledException"/>.</param>
    public string Generate(string prompt, int maxNewTokens, float temperature = 1f, int? topK = null, float? topP = null, int? seed = null,
        CancellationToken cancellationToken = default)
        => Generate(prompt, Config.Generation with { MaxNewTokens = maxNewTokens, Temperature = temperature, TopK = topK, TopP = topP, Seed = seed },
            cancellationToken);

    /// <summary>The same model with other default generation settings for <c>Transform</c>. The two share the weights:
    /// dispose only one of them, once neither is used any more.</summary>
    public LanguageModelTransformer WithGeneration(GenerationOptions generation)
    {
        Host.CheckValue(generation, nameof(generation));
        OptionsCheck.Valid(Host, nameof(GenerationOptions), generation.Validate);
        return new LanguageModelTransformer(Host, Config with { Generation = generation }, Model, Tokenizer) { ScoringThreads = ScoringThreads };
    }

    /// <summary>Nats per token, bits per character and perplexity of the model on the text column of
    /// <paramref name="data"/> (read as the training text was: one stream, documents separated by [EOS], windows of the
    /// context length).</summary>
    /// <param name="data">Text to score.</param>
    /// <param name="textColumnName">Its text column; null for the column the model was trained on.</param>
    /// <param name="cancellationToken">Stops reading or scoring with an <see cref="OperationCanceledException"/>.</param>
    public LanguageModelMetrics Evaluate(IDataView data, string? textColumnName = null, CancellationToken cancellationToken = default)
    {
        Host.CheckValue(data, nameof(data));
        ThrowIfDisposed();
        TokenStream stream = TokenStream.Read(Host, data, textColumnName ?? Config.PromptColumnName, Tokenizer.Tokenizer, "evaluation data",
            cancellationToken);
        var windows = new TokenWindows(stream.Ids, ContextLength, 32, seed: 0);
        if (windows.Count() == 0)
            throw Host.Except($"The evaluation text has {stream.Ids.Length} tokens: at least {ContextLength + 1} are needed for one window.");
        Device device = Model.Device();
        double natsPerToken, totalNats;
        long tokens;
        using (ComputeScope.During(ScoringThreads))
            (natsPerToken, totalNats, tokens) = LanguageModelTrainingTask.MeanLoss(Model, windows, device, cancellationToken);
        // The windows cover the stream but its last partial window: count the characters in proportion.
        double charactersCovered = Math.Max(1, stream.Characters * (double)tokens / stream.Ids.Length);
        return new LanguageModelMetrics(natsPerToken, totalNats / Math.Log(2) / charactersCovered, Math.Exp(natsPerToken), tokens, stream.Characters);
    }

    string? IAttentionSource.TokenColumnName => null;

    TokenizerTransformer? IAttentionSource.InputTokenizer => Tokenizer;

    /// <summary>Decoder self-attention over the prompt as generation reads it: its last tokens within the context length.</summary>
    AttentionRecording IAttentionSource.RecordAttention(int[] tokenIds, TextTokenizer tokenizer)
    {
        ThrowIfDisposed();
        int[] ids = [.. tokenIds.TakeLast(ContextLength)];
        AttentionInput.Check(ids, Config.Model.TargetVocabularySize, ContextLength, "language model");
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        using var recorder = new AttentionRecorder();
        using (recorder.Attach(Model)) Model.Forward(AttentionInput.Row(ids, Model.Device()));
        string[] tokens = AttentionTokens.Readable(tokenizer, ids);
        return new AttentionRecording([AttentionRecord.FromRecorder(recorder, AttentionKind.DecoderSelf, tokens, tokens)]);
    }

    internal List<int> GenerateIds(string? prompt, GenerationOptions options, CancellationToken cancellationToken = default)
        => TextGenerator.Generate(Model, TextGenerator.Prompt(Tokenizer.Tokenizer, prompt.AsSpan()), options, options.Seed ?? Config.DefaultSeed,
            cancelled: () =>
            {
                Host.CheckAlive();
                cancellationToken.ThrowIfCancellationRequested();
                return false;
            });

    private static LanguageModelTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        SavedComponent<LanguageModelConfig> saved = Read<LanguageModelConfig>(env, ctx, Format);
        LanguageModelConfig config = saved.Config;
        ModelFormatException.ThrowIfInvalid(saved.Source, "the saved generation options", () => config.Generation.Validate());
        var (modelTensors, tokenizer) = EmbeddedTokenizer.Import(env, saved, config.Tokenizer, LanguageModelConfig.TokenizerPrefix, config.Model.TargetVocabularySize);
        return ModelFormatException.ThrowIfInvalid(saved.Source, SavedSettings,
            () => new LanguageModelTransformer(env, config, Restore(config.Model, shape => new DecoderOnlyModel(shape, seed: 0), modelTensors), tokenizer));
    }

    /// <summary>The config with the tokenizer's, whose BPE merges (if any) go with the weights.</summary>
    private protected override IModelConfig ConfigToSave(List<TensorData> tensors)
        => Config with { Tokenizer = EmbeddedTokenizer.Export(Tokenizer, LanguageModelConfig.TokenizerPrefix, tensors) };

    private protected override IBlockMapper Bind(DataViewSchema inputSchema) => new LanguageModelBlockMapper(this, Host, inputSchema);
}
