using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Classification;

namespace Microsoft.ML.Transformer;

/// <summary>The Transformer classifier on ML.NET's trainer catalogs:
/// <c>mlContext.BinaryClassification.Trainers.Transformer(...)</c> and
/// <c>mlContext.MulticlassClassification.Trainers.Transformer(...)</c>.</summary>
public static class ClassificationCatalogExtensions
{
    /// <summary>A binary Transformer classifier on a token-id column and a Boolean label.</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="options">Model shape and training settings; <see langword="null"/> for the defaults.</param>
    public static TransformerClassifierTrainer Transformer(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        TransformerClassifierOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), options ?? new TransformerClassifierOptions(), ClassifierKind.Binary);

    /// <summary>A binary Transformer classifier with the most used settings (the simple overload).</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="labelColumnName">Boolean label column.</param>
    /// <param name="tokensColumnName">Token-id column (from <c>TokenizeForTransformer</c>).</param>
    /// <param name="modelDimension">d_model.</param>
    /// <param name="layers">Encoder layers.</param>
    /// <param name="epochs">Passes over the data; null: chosen from the data size (<see cref="TransformerTrainingOptions.Epochs"/>).</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    public static TransformerClassifierTrainer Transformer(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName, string tokensColumnName = "Tokens", int modelDimension = 128, int layers = 2, int? epochs = null, string device = "cpu")
        => catalog.Transformer(Simple(labelColumnName, tokensColumnName, modelDimension, layers, epochs, device));

    /// <summary>A multiclass Transformer classifier on a token-id column and a key label (from <c>MapValueToKey</c>).</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="options">Model shape and training settings; <see langword="null"/> for the defaults.</param>
    public static TransformerClassifierTrainer Transformer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        TransformerClassifierOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), options ?? new TransformerClassifierOptions(), ClassifierKind.Multiclass);

    /// <summary>A multiclass Transformer classifier with the most used settings (the simple overload).</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="tokensColumnName">Token-id column (from <c>TokenizeForTransformer</c>).</param>
    /// <param name="modelDimension">d_model.</param>
    /// <param name="layers">Encoder layers.</param>
    /// <param name="epochs">Passes over the data; null: chosen from the data size (<see cref="TransformerTrainingOptions.Epochs"/>).</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    public static TransformerClassifierTrainer Transformer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName, string tokensColumnName = "Tokens", int modelDimension = 128, int layers = 2, int? epochs = null, string device = "cpu")
        => catalog.Transformer(Simple(labelColumnName, tokensColumnName, modelDimension, layers, epochs, device));

    /// <summary>Tokenizes a text column and trains a binary Transformer classifier on it (tokenizer + trainer in one
    /// estimator, which also tokenizes a raw-text ValidationSet).</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="tokenizer">Tokenizer options; <see langword="null"/>: the <see cref="TransformerClassifierOptions.InitialEncoder"/>'s
    /// tokenizer when it has one (a <see cref="PretrainedEncoder"/>, a <see cref="PretrainedEncoderTransformer"/>), else the
    /// defaults (BPE, 16,000 tokens). Beside a <see cref="PretrainedEncoderTransformer"/>, pass its <c>TokenizerOptions with { … }</c>
    /// changing only how rows are cut (MaxLength, Truncation…): options that would learn another vocabulary are refused.</param>
    /// <param name="options">Classifier options; its <see cref="TransformerClassifierOptions.TokensColumnName"/> names the intermediate column.</param>
    public static TextClassifierEstimator TransformerOnText(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string textColumnName, TokenizerOptions? tokenizer = null, TransformerClassifierOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), textColumnName, tokenizer, options, ClassifierKind.Binary);

    /// <summary>Tokenizes a text column and trains a multiclass Transformer classifier on it.</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="tokenizer">Tokenizer options; <see langword="null"/>: the <see cref="TransformerClassifierOptions.InitialEncoder"/>'s
    /// tokenizer when it has one (a <see cref="PretrainedEncoder"/>, a <see cref="PretrainedEncoderTransformer"/>), else the
    /// defaults (BPE, 16,000 tokens). Beside a <see cref="PretrainedEncoderTransformer"/>, pass its <c>TokenizerOptions with { … }</c>
    /// changing only how rows are cut (MaxLength, Truncation…): options that would learn another vocabulary are refused.</param>
    /// <param name="options">Classifier options; its <see cref="TransformerClassifierOptions.TokensColumnName"/> names the intermediate column.</param>
    public static TextClassifierEstimator TransformerOnText(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string textColumnName, TokenizerOptions? tokenizer = null, TransformerClassifierOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), textColumnName, tokenizer, options, ClassifierKind.Multiclass);

    private static TransformerClassifierOptions Simple(string label, string tokens, int modelDimension, int layers, int? epochs, string device)
        => new() { LabelColumnName = label, TokensColumnName = tokens, Shape = { ModelDimension = modelDimension, Layers = layers }, Epochs = epochs, Device = device };
}
