using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Seq2Seq;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Trains an encoder–decoder Transformer that maps a source token column to a target text. It owns the target
/// tokenizer (fitted on the target column, or <see cref="SequenceToSequenceOptions.TargetTokenizer"/>), so the fitted
/// <see cref="SequenceToSequenceTransformer"/> needs only the source column: the target column is for training.
/// Create it with <c>mlContext.Transforms.Text.SequenceToSequence(...)</c>.
/// </summary>
public sealed class SequenceToSequenceEstimator : IEstimator<SequenceToSequenceTransformer>
{
    /// <summary>The hidden column the target tokenizer writes during training.</summary>
    private const string TargetTokensColumn = "__Seq2SeqTargetTokens__";
    private readonly IHost _host;
    private readonly string _outputColumnName, _sourceTokensColumnName, _targetTextColumnName;
    private readonly SequenceToSequenceOptions _options;

    internal SequenceToSequenceEstimator(IHostEnvironment env, string outputColumnName, string sourceTokensColumnName, string targetTextColumnName,
        SequenceToSequenceOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceToSequenceEstimator));
        _host.CheckNonEmpty(outputColumnName, nameof(outputColumnName));
        _host.CheckNonEmpty(sourceTokensColumnName, nameof(sourceTokensColumnName));
        _host.CheckNonEmpty(targetTextColumnName, nameof(targetTextColumnName));
        _host.CheckValue(options, nameof(options));
        OptionsCheck.CheckTraining(_host, options, TransformerStacks.EncoderDecoder);
        _host.CheckUserArg(options.SourceVocabularySize is null or > 0, nameof(options.SourceVocabularySize), "must be positive");
        _host.CheckUserArg(options.SourceMaxLength is null or > 0, nameof(options.SourceMaxLength), "must be positive");
        _host.CheckUserArg(options.BatchTokens is null or > 0, nameof(options.BatchTokens), "must be positive");
        _host.CheckValue(options.Decoding, nameof(options.Decoding));
        OptionsCheck.Valid(_host, nameof(SequenceToSequenceOptions), () =>
        {
            options.Decoding.Validate();
            options.Target.Validate();
        });
        (_outputColumnName, _sourceTokensColumnName, _targetTextColumnName, _options) = (outputColumnName, sourceTokensColumnName, targetTextColumnName, options);
    }

    private string PredictedTokensColumnName => _options.PredictedTokensColumnName ?? _outputColumnName + "Tokens";

    /// <summary>Fits the target tokenizer (unless given), then trains the model on <paramref name="input"/>
    /// (validating on <see cref="TransformerTrainingOptions.ValidationSet"/>).</summary>
    public SequenceToSequenceTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        DataViewSchema.Column source = TokenIdColumn.Find(_host, input.Schema, _sourceTokensColumnName);
        FindTargetText(input.Schema, "training data");
        int sourceVocabulary = TokenIdColumn.VocabularySize(_host, source, _options.SourceVocabularySize, "SequenceToSequenceOptions.SourceVocabularySize");
        TokenIdColumn.CheckVocabulary(_host, source, sourceVocabulary);
        int sourceMaxLength = TokenIdColumn.MaxLength(source, _options.SourceMaxLength);
        TokenizerTransformer targetTokenizer = TargetTokenizer(input);
        TransformerConfig model = ModelConfig(sourceVocabulary, targetTokenizer.VocabularySize, Math.Max(sourceMaxLength, targetTokenizer.Options.MaxLength + 1));
        int seed = _options.Seed ?? _host.Rand.Next();

        using IChannel channel = _host.Start("Fit");
        Device device = _options.ResolveDevice(channel.Warning);
        // from here on one Fit at a time: TorchSharp's layer constructors draw from the generator dropout uses
        using TrainingGate.Held oneAtATime = TrainingGate.Enter(_host, _options.CancellationToken);
        var network = new EncoderDecoder(model, seed);
        try
        {
            network.to(device);
            var (data, rows, runOptions) = HeldOutSlice.Split(_host, input, _options, seed, channel);
            TokenBatchReader<int[]> train = Reader(targetTokenizer.Transform(data), model, sourceMaxLength, targetTokenizer.Options.MaxLength, seed, device);
            TokenBatchReader<int[]>? validation = runOptions.ValidationSet is { } valid ? ValidationReader(valid, targetTokenizer, model, sourceMaxLength, seed, device) : null;
            var task = new Seq2SeqTrainingTask(network, train, validation, device, _options.LabelSmoothing, rows, _options.ValidationMetric);
            string fingerprint = RunIdentity.Fingerprint(runOptions, new { model, seed, rows, targetVocabulary = targetTokenizer.VocabularySize, _options.ValidationMetric,
                _options.BatchTokens });
            IReadOnlyList<EpochSummary> history = new TrainingLoop<TokenBatch<int[]>>(_host, runOptions, task, device, seed, fingerprint).Run();
            if (train.LastEpoch is { } last && (last.RowsTruncated > 0 || last.RowsSkipped > 0))
                channel.Warning($"Training data: {last.RowsTruncated} sources longer than {sourceMaxLength} tokens were cut to that length; " +
                    $"{last.RowsSkipped} rows with an empty target in '{_targetTextColumnName}' were skipped.");

            var config = new Seq2SeqConfig
            {
                SourceTokensColumnName = _sourceTokensColumnName,
                OutputColumnName = _outputColumnName,
                PredictedTokensColumnName = PredictedTokensColumnName,
                ScoreColumnName = _options.ScoreColumnName,
                Model = model,
                TargetTokenizer = TokenizerConfig.From(targetTokenizer).Item1,
                Decoding = _options.Decoding,
                BlockSize = _options.ScoringBlockSize,
                SourceMaxLength = sourceMaxLength,
                History = history,
            };
            return new SequenceToSequenceTransformer(_host, config, network, targetTokenizer) { ScoringThreads = _options.Threads };
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Checks the source token column and the target text column; promises the decoded text, the predicted
    /// tokens and (unless turned off) the score.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        TokenIdColumn.Find(_host, inputSchema, _sourceTokensColumnName);
        if (!inputSchema.TryFindColumn(_targetTextColumnName, out SchemaShape.Column target))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "target", _targetTextColumnName);
        if (target.Kind != SchemaShape.Column.VectorKind.Scalar || target.ItemType is not TextDataViewType)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "target", _targetTextColumnName, "String", target.GetTypeString());
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (SchemaShape.Column output in Seq2SeqOutputColumns.Shape(_outputColumnName, PredictedTokensColumnName, _options.ScoreColumnName))
            columns[output.Name] = output;
        return new SchemaShape(columns.Values);
    }

    private void FindTargetText(DataViewSchema schema, string where)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(_targetTextColumnName)
            ?? throw _host.Except($"The {where} has no target column '{_targetTextColumnName}'.");
        if (column.Type is not TextDataViewType)
            throw _host.ExceptSchemaMismatch(nameof(schema), where == "ValidationSet" ? "ValidationSet target" : "target", _targetTextColumnName,
                "String", column.Type.ToString());
    }

    /// <summary>The target tokenizer, writing plain ids (no special tokens, no padding) to the hidden training column.</summary>
    private TokenizerTransformer TargetTokenizer(IDataView input)
    {
        TokenizerOptions Plain(TokenizerOptions o) => o with
        {
            AddBeginOfSequence = false, AddEndOfSequence = false, AddClassificationToken = false, PadToMaxLength = false, OutputAsKeys = false,
            LengthColumnName = null,
        };
        if (_options.TargetTokenizer is { } given)
            return new TokenizerTransformer(_host, TargetTokensColumn, _targetTextColumnName, Plain(given.Options), given.Tokenizer);
        return new TokenizeForTransformerEstimator(_host, TargetTokensColumn, _targetTextColumnName, Plain(_options.Target)).Fit(input, _options.CancellationToken);
    }

    private TransformerConfig ModelConfig(int sourceVocabulary, int targetVocabulary, int maxLength) => OptionsCheck.Valid(_host,
        nameof(SequenceToSequenceOptions), () => (_options.Shape.ToConfig(TransformerStacks.EncoderDecoder) with
        {
            MaxLength = maxLength,
            SourceVocabularySize = sourceVocabulary,
            TargetVocabularySize = targetVocabulary,
            ShareSourceTargetEmbeddings = _options.ShareEmbeddings,
            TieOutputProjection = _options.TieOutputProjection,
        }).Validate());

    private TokenBatchReader<int[]> ValidationReader(IDataView data, TokenizerTransformer targetTokenizer, TransformerConfig model, int sourceMaxLength, int seed,
        Device device)
    {
        if (data.Schema.GetColumnOrNull(_sourceTokensColumnName) is null)
            throw _host.Except($"ValidationSet has no column '{_sourceTokensColumnName}': pass validation data through the same transforms as the " +
                "training data (e.g. sourceTokenizer.Transform(validation)).");
        FindTargetText(data.Schema, "ValidationSet");
        TokenIdColumn.CheckVocabulary(_host, TokenIdColumn.Find(_host, data.Schema, _sourceTokensColumnName), model.SourceVocabularySize);
        return Reader(targetTokenizer.Transform(data), model, sourceMaxLength, targetTokenizer.Options.MaxLength, seed, device, "ValidationSet");
    }

    private TokenBatchReader<int[]> Reader(IDataView data, TransformerConfig model, int sourceMaxLength, int targetMaxLength, int seed, Device device,
        string dataName = "training data")
        => new(_host, data, new TokenBatchOptions
        {
            DataName = dataName,
            TokenColumn = _sourceTokensColumnName,
            VocabularySize = model.SourceVocabularySize,
            MaxLength = sourceMaxLength,
            TruncateSource = true,
            LengthMultiple = Seq2SeqTrainingTask.LengthMultiple(device),
            PaddingId = SpecialTokens.Pad,
            BatchSize = _options.BatchSize,
            BatchTokens = _options.BatchTokens,
            ShuffleBufferRows = _options.ShuffleBufferRows,
            BucketFactor = _options.BucketFactor,
            Seed = seed,
        }, new TargetSequence(_host, data.Schema, TargetTokensColumn, model.TargetVocabularySize, targetMaxLength, SpecialTokens.Pad));
}
