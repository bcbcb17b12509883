using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Fits a tokenizer on a text column and trains a decoder-only Transformer language model on it. The fitted
/// <see cref="LanguageModelTransformer"/> generates text (<see cref="LanguageModelTransformer.Generate(string, GenerationOptions?, CancellationToken)"/>),
/// completes a prompt column (<c>Transform</c>) and measures loss on new text. Create it with
/// <c>mlContext.Transforms.Text.TrainLanguageModel(...)</c>.
/// </summary>
public sealed class LanguageModelEstimator : IEstimator<LanguageModelTransformer>
{
    private const string TokensColumn = "__LanguageModelTokens__";   // the tokenizer's column; never materialized
    private readonly IHost _host;
    private readonly string _textColumnName;
    private readonly LanguageModelOptions _options;

    internal LanguageModelEstimator(IHostEnvironment env, string textColumnName, LanguageModelOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(LanguageModelEstimator));
        _host.CheckNonEmpty(textColumnName, nameof(textColumnName));
        _host.CheckValue(options, nameof(options));
        OptionsCheck.CheckTraining(_host, options, TransformerStacks.Decoder);
        _host.CheckNonEmpty(options.CompletionColumnName, nameof(options.CompletionColumnName));
        _host.CheckUserArg(options.ContextLength > 1, nameof(options.ContextLength), "must be at least 2");
        _host.CheckValue(options.Generation, nameof(options.Generation));
        OptionsCheck.Valid(_host, nameof(LanguageModelOptions), () =>
        {
            options.Generation.Validate();
            options.Tokenizer.Validate();
        });
        (_textColumnName, _options) = (textColumnName, options);
    }

    /// <summary>Fits the tokenizer on the text column, reads it as one token stream and trains the model on windows of it
    /// (validating on <see cref="TransformerTrainingOptions.ValidationSet"/>, raw text in the same column).</summary>
    public LanguageModelTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        TextColumn.Find(_host, input.Schema, _textColumnName);
        TokenizerTransformer tokenizer = new TokenizeForTransformerEstimator(_host, TokensColumn, _textColumnName, _options.Tokenizer with
        {
            AddBeginOfSequence = false, AddEndOfSequence = false, AddClassificationToken = false, PadToMaxLength = false, OutputAsKeys = false,
            LengthColumnName = null,
        }).Fit(input, _options.CancellationToken);
        using IChannel channel = _host.Start("Fit");
        var clock = Stopwatch.StartNew();
        TokenStream train = TokenStream.Read(_host, input, _textColumnName, tokenizer.Tokenizer, "training data", _options.CancellationToken);
        TokenStream? validation = _options.ValidationSet is { } valid ? TokenStream.Read(_host, valid, _textColumnName, tokenizer.Tokenizer, "ValidationSet", _options.CancellationToken) : null;
        channel.Info($"Language model: {train.Rows} documents, {train.Characters:N0} characters → {train.Ids.Length:N0} {tokenizer.Options.Kind} tokens " +
                     $"(vocabulary {tokenizer.VocabularySize}) in {clock.Elapsed.TotalSeconds:F1} s.");
        if (train.Ids.Length <= _options.ContextLength)
            throw _host.Except($"The training text has {train.Ids.Length} tokens, not more than ContextLength ({_options.ContextLength}): " +
                "a language model needs at least one window of context + 1 tokens. Lower ContextLength or give more text.");

        TransformerConfig model = ModelConfig(tokenizer.VocabularySize);
        int seed = _options.Seed ?? _host.Rand.Next();
        Device device = _options.ResolveDevice(channel.Warning);
        // from here on one Fit at a time: TorchSharp's layer constructors draw from the generator dropout uses
        using TrainingGate.Held oneAtATime = TrainingGate.Enter(_host, _options.CancellationToken);
        var network = new DecoderOnlyModel(model, seed);
        try
        {
            network.to(device);
            var windows = new TokenWindows(train.Ids, _options.ContextLength, _options.BatchSize, seed);
            TokenWindows? validationWindows = validation is null ? null : new TokenWindows(validation.Ids, _options.ContextLength, _options.BatchSize, seed);
            var task = new LanguageModelTrainingTask(network, windows, validationWindows, device, _options.LabelSmoothing);
            string fingerprint = RunIdentity.Fingerprint(_options, new { model, seed, tokens = train.Ids.Length, _options.ContextLength });
            IReadOnlyList<EpochSummary> history = new TrainingLoop<WindowBatch>(_host, _options, task, device, seed, fingerprint).Run();
            var config = new LanguageModelConfig
            {
                PromptColumnName = _textColumnName,
                CompletionColumnName = _options.CompletionColumnName,
                Model = model,
                Tokenizer = TokenizerConfig.From(tokenizer).Item1,
                Generation = _options.Generation,
                DefaultSeed = seed,
                BlockSize = _options.ScoringBlockSize,
                History = history,
            };
            return new LanguageModelTransformer(_host, config, network, tokenizer) { ScoringThreads = _options.Threads };
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Checks the text column; promises the completion column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => TextColumn.WithOutput(_host, inputSchema, _textColumnName,
        new SchemaShape.Column(_options.CompletionColumnName, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, isKey: false));

    private TransformerConfig ModelConfig(int vocabulary) => OptionsCheck.Valid(_host, nameof(LanguageModelOptions),
        () => (_options.Shape.ToConfig(TransformerStacks.Decoder) with
        {
            MaxLength = _options.ContextLength,
            TargetVocabularySize = vocabulary,
            TieOutputProjection = _options.TieOutputProjection,
        }).Validate());
}
