namespace Microsoft.ML.Transformer.Serialization;

/// <summary>What <see cref="ComponentArchive.Load{TConfig}"/> read back for one component.</summary>
internal sealed class SavedComponent<TConfig>(TConfig config, int formatVersion, TensorSet tensors, string source)
{
    /// <summary>Names the component and its folder in the zip, for error messages.</summary>
    public string Source { get; } = source;

    public TConfig Config { get; } = config;

    /// <summary>Format version the component was saved with (≤ the current one); lets loaders upgrade old configs.</summary>
    public int FormatVersion { get; } = formatVersion;

    public TensorSet Tensors { get; } = tensors;
}
