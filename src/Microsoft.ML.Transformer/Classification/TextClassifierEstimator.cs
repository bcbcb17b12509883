using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Embedding;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Tokenizer and Transformer classifier as one estimator, for a text column. Unlike a plain
/// <c>TokenizeForTransformer(...).Append(Trainers.Transformer(...))</c> chain, it also tokenizes the
/// <see cref="TransformerTrainingOptions.ValidationSet"/> (raw text, like the training data) with the tokenizer it has
/// just fitted. Create it with <c>Trainers.TransformerOnText(...)</c>.
/// </summary>
public sealed class TextClassifierEstimator : IEstimator<TransformerChain<TransformerClassifierTransformer>>
{
    private readonly IHostEnvironment _env;
    private readonly TokenizeForTransformerEstimator _tokenizer;
    private readonly TextTokenizer? _fittedTokenizer;
    private readonly string _textColumnName;
    private readonly TokenizerOptions _tokenizerOptions;
    private readonly TransformerClassifierOptions _options;
    private readonly ClassifierKind _kind;

    /// <param name="tokenizer">The tokenizer's options; null: the InitialEncoder's tokenizer when it has one (an imported
    /// checkpoint's WordPiece, or the tokenizer, already fitted, that an encoder was pretrained with), else the defaults.
    /// With an encoder that brings a fitted tokenizer, options that differ from its own only in how rows are cut and
    /// written (<see cref="EncoderTokenizerOptions.SameVocabulary"/>) keep its vocabulary; others are refused.</param>
    internal TextClassifierEstimator(IHostEnvironment env, string textColumnName, TokenizerOptions? tokenizer, TransformerClassifierOptions? options,
        ClassifierKind kind)
    {
        _env = env;
        options ??= new TransformerClassifierOptions();
        var encoderTokenizer = options.InitialEncoder as IEncoderTokenizerSource;
        TextTokenizer? fittedTokenizer = encoderTokenizer?.FittedTokenizer;
        if (fittedTokenizer is not null && tokenizer is not null && !EncoderTokenizerOptions.SameVocabulary(tokenizer, encoderTokenizer!.TokenizerOptions))
            throw env.ExceptParam(nameof(tokenizer), "These tokenizer options would learn a new vocabulary, but the InitialEncoder was trained on " +
                "its own (it brings it fitted): pass null to use its tokenizer, or change only how rows are cut and written, e.g. " +
                "encoder.TokenizerOptions with { MaxLength = 256, Truncation = TruncationSide.Middle }.");
        tokenizer ??= encoderTokenizer?.TokenizerOptions ?? new TokenizerOptions();
        _tokenizer = new TokenizeForTransformerEstimator(env, options.TokensColumnName, textColumnName, tokenizer, vocabularyGiven: fittedTokenizer is not null);
        (_fittedTokenizer, _textColumnName, _tokenizerOptions) = (fittedTokenizer, textColumnName, tokenizer);
        (_options, _kind) = (options, kind);
        _ = Trainer(options);   // validates the options now, as the other estimators do
        ClassifierTokenizerCheck.Check(env, options, tokenizer.MaxLength, tokenizer.StartsWithClassificationToken, "the tokenizer");
    }

    /// <summary>Learns the vocabulary on <paramref name="input"/>, tokenizes it (and the validation set) and trains the classifier.</summary>
    public TransformerChain<TransformerClassifierTransformer> Fit(IDataView input)
    {
        TokenizerTransformer tokenizer = _fittedTokenizer is null ? _tokenizer.Fit(input, _options.CancellationToken)
            : new TokenizerTransformer(_env, _options.TokensColumnName, _textColumnName, _tokenizerOptions, _fittedTokenizer);
        TransformerClassifierOptions options = _options;
        if (_options.ValidationSet is { } validation && validation.Schema.GetColumnOrNull(_options.TokensColumnName) is null)
        {
            options = _options.Copy();
            options.ValidationSet = tokenizer.Transform(validation);
        }
        TransformerClassifierTransformer classifier = Trainer(options).Fit(tokenizer.Transform(input));
        return new TransformerChain<TransformerClassifierTransformer>(tokenizer, classifier);
    }

    /// <summary>The text column's schema through the tokenizer and the classifier.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Trainer(_options).GetOutputSchema(_tokenizer.GetOutputSchema(inputSchema));

    private TransformerClassifierTrainer Trainer(TransformerClassifierOptions options) => new(_env, options, _kind);
}
