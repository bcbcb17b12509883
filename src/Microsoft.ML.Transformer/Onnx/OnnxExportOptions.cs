namespace Microsoft.ML.Transformer;

/// <summary>Options of <see cref="OnnxCatalogExtensions.ExportToOnnx"/>.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Write the tokenizer into the file's metadata (its options, every token in id order, a byte-pair
    /// encoder's merges) when the exported pipeline holds the tokenizer of the model's token column. Default true; false
    /// keeps the file smaller when the consumer tokenizes otherwise.</summary>
    public bool IncludeTokenizer { get; set; } = true;

    /// <summary>Int8 weights for a smaller file and faster CPU scoring (<see cref="OnnxQuantization.Int8Dynamic"/>).
    /// Default <see cref="OnnxQuantization.None"/>: float32, the model's scores within 1e-4.</summary>
    public OnnxQuantization Quantization { get; set; } = OnnxQuantization.None;
}
