using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Learns a tokenizer from a text column and produces a <see cref="TokenizerTransformer"/> that maps text to token
/// ids for the Transformer components. Create it with
/// <see cref="TransformerCatalog.TokenizeForTransformer(TransformsCatalog.TextTransforms, string, string?, TokenizerOptions?)"/>.
/// </summary>
public sealed class TokenizeForTransformerEstimator : IEstimator<TokenizerTransformer>
{
    private readonly IHost _host;
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly TokenizerOptions _options;

    /// <param name="vocabularyGiven">The caller brings the fitted vocabulary and uses this estimator only for its output
    /// schema, so a WordPiece vocab.txt is not needed (a loaded model's options no longer name one).</param>
    internal TokenizeForTransformerEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, TokenizerOptions options,
        bool vocabularyGiven = false)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(TokenizeForTransformerEstimator));
        _host.CheckNonEmpty(outputColumnName, nameof(outputColumnName));
        _host.CheckNonEmpty(inputColumnName, nameof(inputColumnName));
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Kind == TokenizerKind.WordPiece && string.IsNullOrWhiteSpace(options.VocabularyPath) && !vocabularyGiven)
            throw new ArgumentException("TokenizerKind.WordPiece needs TokenizerOptions.VocabularyPath: a vocab.txt or the folder holding it.", nameof(options));
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
        _options = options;
    }

    /// <summary>Reads the text column once (streaming; at most <see cref="TokenizerOptions.MaxRowsForFitting"/> rows) and learns the vocabulary.</summary>
    public TokenizerTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>As <see cref="Fit(IDataView)"/>; stops with an <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled while rows are read or the vocabulary is built.</summary>
    public TokenizerTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        _host.CheckValue(input, nameof(input));
        DataViewSchema.Column column = FindTextColumn(input.Schema);
        var trainer = new TokenizerTrainer(_options);
        if (_options.IsTrainable)
        {
            using var channel = _host.Start("Fitting tokenizer");
            using DataViewRowCursor cursor = input.GetRowCursor([column]);
            ValueGetter<ReadOnlyMemory<char>> getText = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> text = default;
            long rows = 0;
            while ((_options.MaxRowsForFitting is not { } max || rows < max) && cursor.MoveNext())
            {
                _host.CheckAlive(); // MLContext.CancelExecution()
                cancellationToken.ThrowIfCancellationRequested();
                getText(ref text);
                trainer.Add(text.Span);
                rows++;
            }
            if (trainer.TextCount == 0)
                throw _host.Except($"Cannot fit a {_options.Kind} tokenizer: column '{_inputColumnName}' has no non-empty text in {rows} row(s).");
            channel.Info($"Tokenizer: read {rows} rows ({trainer.TextCount} with text); building the {_options.Kind} vocabulary.");
        }
        TextTokenizer tokenizer = trainer.Build(() =>
        {
            _host.CheckAlive();
            cancellationToken.ThrowIfCancellationRequested();
        });
        _host.Check(tokenizer.VocabularySize > SpecialTokens.Count || !_options.IsTrainable,
            $"No token of column '{_inputColumnName}' occurs at least {_options.MinimumFrequency} times; lower MinimumFrequency.");
        TokenizerOptions options = _options;
        if (tokenizer is BertWordPieceTokenizer wordPiece)
        {
            options = _options with { LowerCase = wordPiece.LowerCase };   // tokenizer_config.json's do_lower_case, saved with the model
            using var channel = _host.Start("Loading WordPiece vocabulary");
            channel.Info($"WordPiece: {wordPiece.VocabularySize} tokens from {_options.VocabularyPath}, lower-case {wordPiece.LowerCase}.");
        }
        return new TokenizerTransformer(_host, _outputColumnName, _inputColumnName, options, tokenizer);
    }

    /// <summary>Checks the input has a text column and describes the output token column (and length column).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        if (!inputSchema.TryFindColumn(_inputColumnName, out SchemaShape.Column input))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", _inputColumnName);
        if (input.Kind != SchemaShape.Column.VectorKind.Scalar || input.ItemType is not TextDataViewType)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", _inputColumnName, "String", input.GetTypeString());

        var columns = inputSchema.ToDictionary(c => c.Name);
        // ML.NET describes key columns in a SchemaShape by their raw type plus IsKey.
        DataViewType itemType = _options.OutputAsKeys ? NumberDataViewType.UInt32 : NumberDataViewType.Int32;
        SchemaShape.Column.VectorKind kind = _options.PadToMaxLength ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector;
        columns[_outputColumnName] = new SchemaShape.Column(_outputColumnName, kind, itemType, isKey: _options.OutputAsKeys, TokenColumnAnnotations.Shape);
        if (_options.LengthColumnName is { } lengthName)
            columns[lengthName] = new SchemaShape.Column(lengthName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false);
        return new SchemaShape(columns.Values);
    }

    private DataViewSchema.Column FindTextColumn(DataViewSchema schema)
    {
        DataViewSchema.Column? column = schema.GetColumnOrNull(_inputColumnName);
        if (column is null) throw _host.ExceptSchemaMismatch(nameof(schema), "input", _inputColumnName);
        if (column.Value.Type is not TextDataViewType)
            throw _host.ExceptSchemaMismatch(nameof(schema), "input", _inputColumnName, "String", column.Value.Type.ToString());
        return column.Value;
    }
}
