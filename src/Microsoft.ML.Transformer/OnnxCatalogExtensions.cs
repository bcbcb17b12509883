using Microsoft.ML.Transformer.Onnx;

namespace Microsoft.ML.Transformer;

/// <summary>
/// ONNX export on ML.NET's model catalog, beside <c>Save</c> and <see cref="ModelOperationsExtensions.SaveAtomically"/>:
/// writing a trained model to a file is a model operation. ML.NET's own <c>ConvertToOnnx</c> (Microsoft.ML.OnnxConverter)
/// converts its built-in transforms and needs sample data; this writes the library's Transformer graphs from their
/// weights, needs no data, and has its own name so that both can be used side by side.
/// </summary>
public static class OnnxCatalogExtensions
{
    /// <summary>
    /// Writes the Transformer model in <paramref name="model"/> (the fitted model, or a fitted pipeline that holds it, e.g.
    /// <c>TransformerOnText</c>'s) as an ONNX file (opset 17) that ONNX Runtime scores without TorchSharp. Input
    /// <c>input_ids</c> [batch, sequence] int64: the token ids, padded with the model's padding id. Outputs named as the
    /// ML.NET columns: a classifier's <c>Score</c>, <c>Probability</c> (binary) and <c>PredictedLabel</c>; an
    /// <see cref="EmbeddingTransformer"/>'s or a <see cref="PretrainedEncoderTransformer"/>'s features. A
    /// <see cref="LanguageModelTransformer"/> exports one decoding step with its key/value cache as inputs and outputs
    /// (<c>past_key_i</c>, <c>past_value_i</c> → <c>logits</c>, <c>present_key_i</c>, <c>present_value_i</c>); a
    /// <see cref="SequenceToSequenceTransformer"/> two files: its encoder as <paramref name="filePath"/> and its decoder
    /// step beside it, <c>name.decoder.onnx</c> for <c>name.onnx</c> (docs/onnx.md has the inputs, outputs and a greedy
    /// loop). The model's config and the tokenizer of its token ids go into the file's metadata. Each file is written to a
    /// temporary file first and renamed over its target when complete (a sequence-to-sequence model's decoder first).
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A fitted <see cref="TransformerClassifierTransformer"/>, <see cref="EmbeddingTransformer"/>,
    /// <see cref="PretrainedEncoderTransformer"/>, <see cref="LanguageModelTransformer"/> or
    /// <see cref="SequenceToSequenceTransformer"/>, or a chain that holds one.</param>
    /// <param name="filePath">The .onnx file to write (a sequence-to-sequence model's encoder); an existing file is
    /// replaced only by a complete one.</param>
    /// <exception cref="ObjectDisposedException">The model was disposed; nothing is written.</exception>
    /// <exception cref="NotSupportedException">The model is a kind whose export is not written yet (named in the message).</exception>
    /// <exception cref="ArgumentException">The model holds no Transformer model, or several; or <paramref name="filePath"/> is a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="filePath"/> does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static void ExportToOnnx(this ModelOperationsCatalog catalog, ITransformer model, string filePath, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        OnnxExport.Write(model, ModelOperationsExtensions.TargetPath(filePath, "model.onnx"), options ?? new OnnxExportOptions());
    }
}
