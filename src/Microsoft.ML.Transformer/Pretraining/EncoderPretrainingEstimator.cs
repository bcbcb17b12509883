using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Embedding;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretraining;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Pretrains a Transformer encoder on a text column with masked language modelling (BERT's recipe with RoBERTa's packing
/// and dynamic masking): fits or takes a tokenizer, packs the documents into full sequences, and trains the encoder to
/// restore the masked tokens. Returns a <see cref="PretrainedEncoderTransformer"/>, which starts a classifier
/// (<see cref="TransformerClassifierOptions.InitialEncoder"/>) and featurizes text. Create it with
/// <c>mlContext.Transforms.Text.PretrainEncoder(...)</c>. Every check of the text, the tokenizer and the encoder is made
/// before training starts.
/// </summary>
public sealed class EncoderPretrainingEstimator : IEstimator<PretrainedEncoderTransformer>
{
    private readonly IHost _host;
    private readonly string _featuresColumnName, _textColumnName;
    private readonly EncoderPretrainingOptions _options;

    internal EncoderPretrainingEstimator(IHostEnvironment env, string featuresColumnName, string textColumnName, EncoderPretrainingOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(EncoderPretrainingEstimator));
        _host.CheckNonEmpty(featuresColumnName, nameof(featuresColumnName));
        _host.CheckNonEmpty(textColumnName, nameof(textColumnName));
        _host.CheckValue(options, nameof(options));
        OptionsCheck.CheckTraining(_host, options, TransformerStacks.Encoder);
        OptionsCheck.Valid(_host, nameof(EncoderPretrainingOptions), options.ValidatePretraining);
        (_featuresColumnName, _textColumnName, _options) = (featuresColumnName, textColumnName, options);
    }

    /// <summary>Reads the text column, tokenizes and packs it, and pretrains the encoder (validating on the
    /// <see cref="TransformerTrainingOptions.ValidationSet"/>'s text, or on the tail of the text kept back).</summary>
    public PretrainedEncoderTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        TextColumn.Find(_host, input.Schema, _textColumnName);
        EncoderSnapshot? initial = _options.InitialEncoder?.ExportEncoder();
        int sequenceLength = SequenceLength(initial);
        TokenizerTransformer tokenizer = PretrainingTokenizer.Resolve(_host, input, _textColumnName, _options, sequenceLength);
        if (initial is not null)
            PretrainingTokenizer.CheckMatches(_host, tokenizer.Tokenizer, initial, sourceTokenizer: _options.InitialEncoder is IEncoderTokenizerSource);
        using IChannel channel = _host.Start("Fit");
        int seed = _options.Seed ?? _host.Rand.Next();
        var masking = OptionsCheck.Valid(_host, nameof(EncoderPretrainingOptions), () => new DynamicMasking(tokenizer.Tokenizer,
            _options.MaskProbability, _options.MaskTokenFraction, _options.RandomTokenFraction, seed));
        PretrainingCorpus corpus = PretrainingCorpus.Read(_host, input, _textColumnName, tokenizer.Tokenizer, sequenceLength, _options, channel);
        channel.Info($"Pretraining: {corpus.Text.Rows} documents, {corpus.Text.Characters:N0} characters → {corpus.Text.Ids.Length:N0} tokens " +
                     $"(vocabulary {tokenizer.VocabularySize}) in sequences of {sequenceLength}.");
        TransformerConfig model = initial?.Config ?? ModelConfig(tokenizer.VocabularySize, sequenceLength);   // an initial encoder keeps all its positions
        TransformerTrainingOptions runOptions = initial is null ? _options : _options.ForFineTuning();
        Device device = _options.ResolveDevice(channel.Warning);

        // from here on one Fit at a time: TorchSharp's layer constructors draw from the generator dropout uses
        using TrainingGate.Held oneAtATime = TrainingGate.Enter(_host, _options.CancellationToken);
        var encoder = new TransformerEncoderModel(model, seed);
        try
        {
            if (initial is not null) ModuleState.Import(encoder, new TensorSet(initial.State, "InitialEncoder"));
            encoder.to(device);
            var network = new MaskedLanguageModel(encoder, seed);   // only its head is disposed: the encoder is returned
            int classificationId = tokenizer.Tokenizer.ClassificationId;
            var train = new PackedSequences(corpus.Train, sequenceLength, classificationId, _options.BatchSize, masking, seed);
            PackedSequences? validation = corpus.Validation is { } held ? new PackedSequences(held, sequenceLength, classificationId, _options.BatchSize, masking, seed) : null;
            var task = new MaskedLanguageModelTask(network, train, validation, device, _options.LabelSmoothing, _options.TimeLimit);
            string fingerprint = RunIdentity.Fingerprint(runOptions, new
            {
                model, seed, tokens = corpus.Train.Length, validationTokens = corpus.Validation?.Length, _options.MaskProbability, _options.MaskTokenFraction,
                _options.RandomTokenFraction, vocabulary = tokenizer.Tokenizer.VocabularyFingerprint,
            });
            IReadOnlyList<EpochSummary> history;
            try
            {
                history = new TrainingLoop<MaskedBatch>(_host, runOptions, task, device, seed, fingerprint).Run();
            }
            finally
            {
                network.DisposeHead();
            }
            var config = new PretrainedEncoderConfig
            {
                TextColumnName = _textColumnName,
                FeaturesColumnName = _featuresColumnName,
                Model = model,
                Tokenizer = TokenizerConfig.From(tokenizer).Item1,
                BlockSize = _options.ScoringBlockSize,
                VocabularyFingerprint = tokenizer.Tokenizer.VocabularyFingerprint,
                History = history,
            };
            return new PretrainedEncoderTransformer(_host, config, encoder, tokenizer) { ScoringThreads = _options.Threads };
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Checks the text column; promises the features column (d_model floats).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => TextColumn.WithOutput(_host, inputSchema, _textColumnName,
        new SchemaShape.Column(_featuresColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false));

    /// <summary>SequenceLength, or its default: 128, or the InitialEncoder's positions when it has fewer.</summary>
    private int SequenceLength(EncoderSnapshot? initial)
    {
        int positions = initial?.Config.MaxLength ?? int.MaxValue;
        int length = _options.SequenceLength ?? Math.Min(EncoderPretrainingOptions.DefaultSequenceLength, positions);
        if (length > positions)
            throw _host.ExceptUserArg(nameof(_options.SequenceLength), $"SequenceLength ({length}) is longer than the InitialEncoder's {positions} " +
                "positions: lower it, or leave it unset.");
        return length;
    }

    private TransformerConfig ModelConfig(int vocabulary, int sequenceLength) => OptionsCheck.Valid(_host, nameof(EncoderPretrainingOptions),
        () => (_options.Shape.ToConfig(TransformerStacks.Encoder) with { MaxLength = sequenceLength, SourceVocabularySize = vocabulary }).Validate());
}
