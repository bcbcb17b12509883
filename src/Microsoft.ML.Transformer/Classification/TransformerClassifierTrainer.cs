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

        int vocabulary = TokenIdColumn.VocabularySize(_host, tokens, _options.VocabularySize, "TransformerClassifierOptions.VocabularySize");
        TokenIdColumn.CheckVocabulary(_host, tokens, vocabulary);
        TransformerConfig model = ModelConfig(vocabulary, TokenIdColumn.MaxLength(tokens, _options.MaxLength));
        int seed = _options.Seed ?? _host.Rand.Next();

        using IChannel channel = _host.Start("Fit");
        Device device = _options.ResolveDevice(channel.Warning);

        // from here on one Fit at a time: TorchSharp's layer constructors draw from the generator dropout uses
        using TrainingGate.Held oneAtATime = TrainingGate.Enter(_host, _options.CancellationToken);
        var network = new TransformerClassifierModel(model, _options.Pooling, _kind == ClassifierKind.Binary ? 1 : classCount, seed);
        try
        {
            if (_options.InitialEncoder is { } source) LoadInitialEncoder(network, source.ExportEncoder());
            network.to(device);
            var (data, rows, runOptions) = HeldOutSlice.Split(_host, input, _options, seed, channel);
            TokenBatchReader<long> train = Reader(data, vocabulary, model.MaxLength, seed);
            TokenBatchReader<long>? validation = runOptions.ValidationSet is { } valid ? Reader(valid, vocabulary, model.MaxLength, seed, validation: true) : null;
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

    private TokenBatchReader<long> Reader(IDataView data, int vocabulary, int maxLength, int seed, bool validation = false)
    {
        if (validation)
        {
            if (data.Schema.GetColumnOrNull(_options.TokensColumnName) is null)
                throw _host.Except($"ValidationSet has no column '{_options.TokensColumnName}': pass validation data through the same " +
                    "transforms as the training data (e.g. tokenizer.Transform(validation)), or use Trainers.TransformerOnText, which tokenizes it.");
            TokenIdColumn.CheckVocabulary(_host, TokenIdColumn.Find(_host, data.Schema, _options.TokensColumnName, "ValidationSet input"), vocabulary);
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

    private void LoadInitialEncoder(TransformerClassifierModel network, EncoderSnapshot snapshot)
    {
        TransformerConfig mine = network.Config, theirs = snapshot.Config;
        var differences = new List<string>();
        void Compare<T>(string name, T a, T b) { if (!EqualityComparer<T>.Default.Equals(a, b)) differences.Add($"{name} {b} (options: {a})"); }
        Compare("Shape.ModelDimension", mine.ModelDimension, theirs.ModelDimension);
        Compare("Shape.Heads", mine.Heads, theirs.Heads);
        Compare("Shape.Layers", mine.EncoderLayers, theirs.EncoderLayers);
        Compare("Shape.FeedForwardDimension", mine.ResolvedFeedForwardDimension, theirs.ResolvedFeedForwardDimension);
        Compare("vocabulary size", mine.SourceVocabularySize, theirs.SourceVocabularySize);
        Compare("Shape.Positional", mine.Positional, theirs.Positional);
        Compare("MaxLength", mine.MaxLength, theirs.MaxLength);
        Compare("Shape.NormFirst", mine.NormFirst, theirs.NormFirst);
        if (differences.Count > 0)
            throw _host.Except($"InitialEncoder does not fit these options: it has {string.Join(", ", differences)}.");
        ModuleState.Import(network.Body, new TensorSet(snapshot.State, "InitialEncoder"));
    }
}
