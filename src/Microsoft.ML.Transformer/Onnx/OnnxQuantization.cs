namespace Microsoft.ML.Transformer;

/// <summary>How <see cref="OnnxCatalogExtensions.ExportToOnnx"/> stores the weights of the matrix products (<see cref="OnnxExportOptions.Quantization"/>).</summary>
public enum OnnxQuantization
{
    /// <summary>Every weight in float32: ONNX Runtime's scores are the model's within 1e-4.</summary>
    None,

    /// <summary>
    /// int8 weights with dynamic activation quantization, as ONNX Runtime's "dynamic quantization": every matrix product
    /// with a weight (attention projections, feed-forward, pooler, head) stores the weight as int8 with one scale per
    /// output column (symmetric, zero point 0) and quantizes its input to uint8 per call
    /// (<c>DynamicQuantizeLinear</c> → <c>MatMulInteger</c> → int32, rescaled to float by input scale × column scale, then
    /// the float bias); ONNX Runtime fuses these into its integer kernels. The token embedding table is int8 with one
    /// scale per row. LayerNorm, softmax, the attention products of two activations and the position table stay float32.
    /// About 3× smaller (6.1 → 1.9 MB for the IMDb sample's classifier); scores differ from the float model's by
    /// quantization noise (docs/onnx.md has the measured speed and accuracy).
    /// </summary>
    Int8Dynamic,
}
