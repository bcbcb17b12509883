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
/// and dynamic masking) or ELECTRA's replaced-token detection (<see cref="EncoderPretrainingOptions.Objective"/>): fits or
/// takes a tokenizer, packs the documents into full sequences, and trains the encoder to restore the masked tokens, or to
/// tell which tokens a small generator replaced. Returns a <see cref="PretrainedEncoderTransformer"/>, which starts a classifier
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
        bool electra = _options.Objective == PretrainingObjective.ReplacedTokenDetection;
        // ELECTRA gives the generator every chosen token as [MASK] (section 2)
        var masking = OptionsCheck.Valid(_host, nameof(EncoderPretrainingOptions), () => new DynamicMasking(tokenizer.Tokenizer,
            _options.MaskProbability, electra ? 1 : _options.MaskTokenFraction, electra ? 0 : _options.RandomTokenFraction, seed));
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
            int classificationId = tokenizer.Tokenizer.ClassificationId;
            var train = new PackedSequences(corpus.Train, sequenceLength, classificationId, _options.BatchSize, masking, seed);
            PackedSequences? validation = corpus.Validation is { } held ? new PackedSequences(held, sequenceLength, classificationId, _options.BatchSize, masking, seed) : null;
            PretrainingTask task = electra ? CreateReplacedTokenDetection(encoder, tokenizer.Tokenizer, train, validation, device, seed, channel)
                : new MaskedLanguageModelTask(new MaskedLanguageModel(encoder, seed), train, validation, device, _options.LabelSmoothing, _options.TimeLimit);
            object identity = new
            {
                model, seed, tokens = corpus.Train.Length, validationTokens = corpus.Validation?.Length, _options.MaskProbability, _options.MaskTokenFraction,
                _options.RandomTokenFraction, vocabulary = tokenizer.Tokenizer.VocabularyFingerprint,
            };
            if (electra) identity = new { identity, _options.Objective, _options.GeneratorSizeFraction, _options.DiscriminatorLossWeight };
            IReadOnlyList<EpochSummary> history;
            try
            {
                history = new TrainingLoop<MaskedBatch>(_host, runOptions, task, device, seed, RunIdentity.Fingerprint(runOptions, identity)).Run();
            }
            finally
            {
                task.DisposeObjective();   // the objective's heads (and ELECTRA's generator); the encoder is returned
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
                Objective = _options.Objective,
            };
            return new PretrainedEncoderTransformer(_host, config, encoder, tokenizer) { ScoringThreads = _options.Threads };
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>ELECTRA's task around <paramref name="encoder"/>, the discriminator: a generator of
    /// <see cref="EncoderPretrainingOptions.GeneratorSizeFraction"/> of its size, which never samples special tokens.</summary>
    private ReplacedTokenDetectionTask CreateReplacedTokenDetection(TransformerEncoderModel encoder, TextTokenizer tokenizer, PackedSequences train,
        PackedSequences? validation, Device device, int seed, IChannel channel)
    {
        TransformerConfig generator = ReplacedTokenDetection.GeneratorShape(encoder.Config, _options.GeneratorSizeFraction);
        channel.Info($"Replaced-token detection: a generator of d_model {generator.ModelDimension}, {generator.Heads} heads, d_ff " +
            $"{generator.ResolvedFeedForwardDimension}, {generator.EncoderLayers} layers ({_options.GeneratorSizeFraction:0.###} of the encoder's size), " +
            $"sharing its embeddings; discriminator loss weight {_options.DiscriminatorLossWeight}.");
        long[] special = [.. Enumerable.Range(0, tokenizer.VocabularySize).Where(tokenizer.IsSpecialToken).Select(id => (long)id)];
        var network = new ReplacedTokenDetection(encoder, generator, special, seed);
        return new ReplacedTokenDetectionTask(network, train, validation, device, _options.DiscriminatorLossWeight, _options.LabelSmoothing, _options.TimeLimit);
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
