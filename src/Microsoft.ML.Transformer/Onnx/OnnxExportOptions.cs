namespace Microsoft.ML.Transformer;

/// <summary>Options of <see cref="OnnxCatalogExtensions.ExportToOnnx"/>.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Write the tokenizer into the file's metadata (its options, every token in id order, a byte-pair
    /// encoder's merges) when the exported pipeline holds the tokenizer of the model's token column. Default true; false
    /// keeps the file smaller when the consumer tokenizes otherwise.</summary>
    public bool IncludeTokenizer { get; set; } = true;
}
