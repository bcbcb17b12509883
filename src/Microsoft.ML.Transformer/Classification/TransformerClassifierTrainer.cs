using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Trains an encoder-only Transformer classifier on a token-id column: binary with a Boolean label, multiclass with a
/// key label. Create it with <c>mlContext.BinaryClassification.Trainers.Transformer(...)</c> or
/// <c>mlContext.MulticlassClassification.Trainers.Transformer(...)</c>. Fitting streams the data in shuffled,
/// length-bucketed batches (memory bounded by the shuffle buffer, not the data) and returns a
/// <see cref="TransformerClassifierTransformer"/>.
/// </summary>
public sealed class TransformerClassifierTrainer : IEstimator<TransformerClassifierTransformer>
{
    private readonly IHost _host;
    private readonly TransformerClassifierOptions _options;
    private readonly ClassifierKind _kind;

    internal TransformerClassifierTrainer(IHostEnvironment env, TransformerClassifierOptions options, ClassifierKind kind)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(TransformerClassifierTrainer));
        _host.CheckValue(options, nameof(options));
        OptionsCheck.CheckTraining(_host, options, TransformerStacks.Encoder);
        _host.CheckNonEmpty(options.TokensColumnName, nameof(options.TokensColumnName));
        _host.CheckNonEmpty(options.LabelColumnName, nameof(options.LabelColumnName));
        _host.CheckUserArg(options.VocabularySize is null or > 0, nameof(options.VocabularySize), "must be positive");
        _host.CheckUserArg(options.MaxLength is null or > 0, nameof(options.MaxLength), "must be positive");
        (_options, _kind) = (options, kind);
    }

    /// <summary>Trains on <paramref name="input"/> (and validates on <see cref="TransformerTrainingOptions.ValidationSet"/>).</summary>
    public TransformerClassifierTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        DataViewSchema.Column tokens = TokenIdColumn.Find(_host, input.Schema, _options.TokensColumnName);
        ClassifierTokenizerCheck.Check(_host, _options, TokenColumnAnnotations.FindTokenizerMaxLength(tokens),
            TokenColumnAnnotations.FindStartsWithClassToken(tokens), $"the tokenizer that wrote column '{tokens.Name}'");
        ClassLabel classLabel = ClassLabel.Find(_host, input.Schema, _options.LabelColumnName, _kind);
        var (label, classCount) = (classLabel.Column, classLabel.ClassCount);
        if (_kind == ClassifierKind.Multiclass && classCount < 2)
            throw _host.Except($"Label column '{label.Name}' has {classCount} class; a classifier needs at least 2.");
        classLabel.RequireTwoClasses(input);

        using IChannel channel = _host.Start("Fit");
        EncoderSnapshot? initial = _options.InitialEncoder?.ExportEncoder();
        int vocabulary = initial?.Config.SourceVocabularySize
            ?? TokenIdColumn.VocabularySize(_host, tokens, _options.VocabularySize, "TransformerClassifierOptions.VocabularySize");
        string? vocabularyFingerprint = initial is not null ? initial.VocabularyFingerprint : TokenColumnAnnotations.FindVocabularyFingerprint(tokens);
        TokenIdColumn.CheckVocabulary(_host, tokens, vocabulary, vocabularyFingerprint);
        TransformerConfig model = initial is null ? ModelConfig(vocabulary, TokenIdColumn.MaxLength(tokens, _options.MaxLength))
            : InitialEncoderConfig(initial.Config, tokens, channel);
        // a pretrained encoder is fine-tuned: a small learning rate and few epochs where the options leave them unset
        TransformerTrainingOptions options = initial is null ? _options : _options.ForFineTuning();
        int seed = _options.Seed ?? _host.Rand.Next();

        Device device = _options.ResolveDevice(channel.Warning);

        // from here on one Fit at a time: TorchSharp's layer constructors draw from the generator dropout uses
        using TrainingGate.Held oneAtATime = TrainingGate.Enter(_host, _options.CancellationToken);
        var network = new TransformerClassifierModel(model, _options.Pooling, _kind == ClassifierKind.Binary ? 1 : classCount, seed);
        try
        {
            if (initial is not null) ModuleState.Import(network.Body, new TensorSet(initial.State, "InitialEncoder"));
            if (initial?.Pooler is { } pooler && network.PoolerLayer is { } layer) ModuleState.Import(layer, new TensorSet(pooler, "InitialEncoder's pooler"));
            network.to(device);
            var (data, rows, runOptions) = HeldOutSlice.Split(_host, input, options, seed, channel);
            TokenBatchReader<long> train = Reader(data, vocabulary, model.MaxLength, seed);
            TokenBatchReader<long>? validation = runOptions.ValidationSet is { } valid ? Reader(valid, vocabulary, model.MaxLength, seed, validation: true, vocabularyFingerprint) : null;
            var task = new ClassifierTrainingTask(network, train, validation, device, _kind, _options.LabelSmoothing, rows);
            string fingerprint = RunIdentity.Fingerprint(runOptions, new { model, _kind, classCount, seed, rows, _options.Pooling });
            IReadOnlyList<EpochSummary> history = new TrainingLoop<TokenBatch<long>>(_host, runOptions, task, device, seed, fingerprint).Run();

            var classValues = _kind == ClassifierKind.Multiclass ? ClassValues.Read(label, classCount) : (Names: null, Kind: DataKind.String);
            var config = new ClassifierConfig
            {
                Kind = _kind,
                TokensColumnName = _options.TokensColumnName,
                Model = model,
                Pooling = _options.Pooling,
                ClassCount = classCount,
                ClassNames = classValues.Names,
                ClassValueKind = classValues.Kind,
                BlockSize = _options.ScoringBlockSize,
                VocabularyFingerprint = vocabularyFingerprint,
                History = history,
            };
            return new TransformerClassifierTransformer(_host, config, network) { ScoringThreads = _options.Threads };
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Checks the token and label columns and promises the output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        TokenIdColumn.Find(_host, inputSchema, _options.TokensColumnName);
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out SchemaShape.Column label))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
        bool labelOk = _kind == ClassifierKind.Binary
            ? label.Kind == SchemaShape.Column.VectorKind.Scalar && label.ItemType is BooleanDataViewType
            : label.Kind == SchemaShape.Column.VectorKind.Scalar && label.IsKey && label.ItemType.RawType == typeof(uint);
        if (!labelOk)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", label.Name,
                _kind == ClassifierKind.Binary ? "Boolean" : "key of UInt32 (MapValueToKey)", label.GetTypeString());
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (SchemaShape.Column output in ClassifierOutputColumns.Shape(_kind, label)) columns[output.Name] = output;
        return new SchemaShape(columns.Values);
    }

    private TransformerConfig ModelConfig(int vocabulary, int maxLength) => OptionsCheck.Valid(_host, nameof(TransformerClassifierOptions),
        () => (_options.Shape.ToConfig(TransformerStacks.Encoder) with { MaxLength = maxLength, SourceVocabularySize = vocabulary }).Validate());

    /// <param name="vocabularyFingerprint">The fingerprint a validation set's token column must have, when known.</param>
    private TokenBatchReader<long> Reader(IDataView data, int vocabulary, int maxLength, int seed, bool validation = false, string? vocabularyFingerprint = null)
    {
        if (validation)
        {
            if (data.Schema.GetColumnOrNull(_options.TokensColumnName) is null)
                throw _host.Except($"ValidationSet has no column '{_options.TokensColumnName}': pass validation data through the same " +
                    "transforms as the training data (e.g. tokenizer.Transform(validation)), or use Trainers.TransformerOnText, which tokenizes it.");
            TokenIdColumn.CheckVocabulary(_host, TokenIdColumn.Find(_host, data.Schema, _options.TokensColumnName, "ValidationSet input"), vocabulary,
                vocabularyFingerprint);
        }
        return new TokenBatchReader<long>(_host, data, new TokenBatchOptions
        {
            DataName = validation ? "ValidationSet" : "training data",
            TokenColumn = _options.TokensColumnName,
            VocabularySize = vocabulary,
            MaxLength = maxLength,
            PaddingId = SpecialTokens.Pad,
            BatchSize = _options.BatchSize,
            ShuffleBufferRows = _options.ShuffleBufferRows,
            BucketFactor = _options.BucketFactor,
            Seed = seed,
        }, ClassLabel.Find(_host, data.Schema, _options.LabelColumnName, _kind, validation ? "ValidationSet label" : "label"));
    }

    /// <summary>The model of a classifier started from <paramref name="encoder"/>: the encoder's own shape (its weights
    /// fit no other), on a token column no longer than its positions.</summary>
    private TransformerConfig InitialEncoderConfig(TransformerConfig encoder, DataViewSchema.Column tokens, IChannel channel)
    {
        if (_options.Shape != new TransformerClassifierOptions().Shape)
            channel.Warning($"Shape is not used with an InitialEncoder: the model takes the encoder's (d_model {encoder.ModelDimension}, " +
                $"{encoder.Heads} heads, {encoder.EncoderLayers} layers, d_ff {encoder.ResolvedFeedForwardDimension}).");
        if (_options.VocabularySize is { } size && size != encoder.SourceVocabularySize)
            throw _host.ExceptUserArg(nameof(_options.VocabularySize), $"VocabularySize ({size}) differs from the InitialEncoder's vocabulary " +
                $"({encoder.SourceVocabularySize} tokens); leave it unset.");
        int longest = TokenIdColumn.MaxLength(tokens, _options.MaxLength);
        if (longest > encoder.MaxLength)
            throw _host.Except($"Column '{tokens.Name}' holds up to {longest} tokens (MaxLength), but the InitialEncoder has " +
                $"{encoder.MaxLength} positions: set the tokenizer's MaxLength (it truncates) to at most {encoder.MaxLength}.");
        return encoder;
    }
}
