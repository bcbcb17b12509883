using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Embedding;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer;

/// <summary>
/// The "embed and position-encode" step as an ML.NET estimator: a fresh seeded embedding table, or the trained one of
/// a model of this library (optionally with its encoder stack). Fitting reads only the schema, not the rows.
/// Create it with <see cref="TransformerCatalog.EmbedAndPositionEncode(TransformsCatalog.TextTransforms, string, string?, EmbeddingOptions?)"/>.
/// </summary>
public sealed class EmbedAndPositionEncodeEstimator : IEstimator<EmbeddingTransformer>
{
    private readonly IHost _host;
    private readonly string _outputColumnName, _inputColumnName;
    private readonly EmbeddingOptions _options;

    internal EmbedAndPositionEncodeEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, EmbeddingOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(EmbedAndPositionEncodeEstimator));
        _host.CheckNonEmpty(outputColumnName, nameof(outputColumnName));
        _host.CheckNonEmpty(inputColumnName, nameof(inputColumnName));
        _host.CheckValue(options, nameof(options));
        _host.CheckUserArg(options.ScoringBlockSize > 0, nameof(options.ScoringBlockSize), "must be positive");
        _host.CheckUserArg(options.Source is not null || !options.Contextual, nameof(options.Contextual), "contextual encoding needs a trained Source model");
        _host.CheckUserArg(options.VocabularySize is null or > 0, nameof(options.VocabularySize), "must be positive");
        _host.CheckUserArg(options.MaxLength is null or > 0, nameof(options.MaxLength), "must be positive");
        if (options.Source is null)   // a fresh table's width is checked now; a source model brings its own
            OptionsCheck.Valid(_host, nameof(EmbeddingOptions), () => TransformerConfig.EmbeddingOnly(options.ModelDimension, options.Positional,
                options.MaxLength ?? TokenIdColumn.DefaultMaxLength, vocabularySize: 1).ValidateShape());
        (_outputColumnName, _inputColumnName, _options) = (outputColumnName, inputColumnName, options);
    }

    /// <summary>Builds the embedding for the token column of <paramref name="input"/> (its schema only).</summary>
    public EmbeddingTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        DataViewSchema.Column tokens = TokenIdColumn.Find(_host, input.Schema, _inputColumnName);
        EncoderSnapshot? snapshot = _options.Source?.ExportEncoder();
        TransformerEncoderModel model = snapshot is not null ? FromSource(snapshot) : Fresh(tokens);
        // a source knows the vocabulary it was trained on; a fresh table takes the column's
        string? fingerprint = snapshot is not null ? snapshot.VocabularyFingerprint : TokenColumnAnnotations.FindVocabularyFingerprint(tokens);
        TokenIdColumn.CheckVocabulary(_host, tokens, model.Config.SourceVocabularySize, fingerprint);
        var config = new EmbeddingConfig
        {
            InputColumnName = _inputColumnName,
            OutputColumnName = _outputColumnName,
            Model = model.Config,
            Pooling = _options.Pooling,
            BlockSize = _options.ScoringBlockSize,
            Normalize = _options.Normalize,
            VocabularyFingerprint = fingerprint,
        };
        return new EmbeddingTransformer(_host, config, model);
    }

    private TransformerEncoderModel Fresh(DataViewSchema.Column tokens)
    {
        int vocabulary = TokenIdColumn.VocabularySize(_host, tokens, _options.VocabularySize, "EmbeddingOptions.VocabularySize");
        TokenIdColumn.CheckMaxLength(_host, _options.MaxLength, TokenColumnAnnotations.FindTokenizerMaxLength(tokens), $"the tokenizer that wrote column '{tokens.Name}'");
        TransformerConfig config = TransformerConfig.EmbeddingOnly(_options.ModelDimension, _options.Positional,
            TokenIdColumn.MaxLength(tokens, _options.MaxLength), vocabulary);
        return OptionsCheck.Valid(_host, nameof(EmbeddingOptions), () => new TransformerEncoderModel(config, _options.Seed ?? _host.Rand.Next()));
    }

    private TransformerEncoderModel FromSource(EncoderSnapshot snapshot)
    {
        TransformerConfig config = snapshot.Config with { EncoderLayers = _options.Contextual ? snapshot.Config.EncoderLayers : 0, DecoderLayers = 0 };
        if (_options.MaxLength is { } maxLength && maxLength != config.MaxLength)
            throw _host.Except($"EmbeddingOptions.MaxLength ({maxLength}) differs from the source model's max_len ({config.MaxLength}); leave it unset.");
        var model = new TransformerEncoderModel(config, seed: 0);
        var names = model.state_dict().Keys.ToHashSet();
        ModuleState.Import(model, new TensorSet(snapshot.State.Where(t => names.Contains(t.Name)), "source model"));
        return model;
    }

    /// <summary>Checks the token column and describes the float vector output column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        TokenIdColumn.Find(_host, inputSchema, _inputColumnName);
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_outputColumnName] = new SchemaShape.Column(_outputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false);
        return new SchemaShape(columns.Values);
    }
}
