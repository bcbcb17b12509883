namespace Microsoft.ML.Transformer;

/// <summary>Entry point for pretrained checkpoints on ML.NET's model catalog, beside ML.NET's own
/// <c>mlContext.Model.LoadTensorFlowModel</c>: loading a model from outside is a model operation.</summary>
public static class PretrainedCatalogExtensions
{
    /// <summary>
    /// Imports a Hugging Face checkpoint folder (<c>config.json</c>, <c>model.safetensors</c> or its shards,
    /// <c>vocab.txt</c>; <c>model_type</c> bert), offline. Use the result as <see cref="EmbeddingOptions.Source"/> and
    /// tokenize with its <see cref="PretrainedEncoder.TokenizerOptions"/>.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="folder">The checkpoint folder.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights, a shard or vocab.txt is missing.</exception>
    /// <exception cref="ModelFormatException">The folder is not a supported, consistent checkpoint.</exception>
    public static PretrainedEncoder LoadPretrainedEncoder(this ModelOperationsCatalog catalog, string folder)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return PretrainedEncoder.Load(folder);
    }
}
