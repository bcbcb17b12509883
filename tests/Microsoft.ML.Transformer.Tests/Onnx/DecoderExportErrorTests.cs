using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxDecoders;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>What the exports of the generating kinds refuse, and what ONNX Runtime does past max_len.</summary>
public class DecoderExportErrorTests
{
    private static TransformerConfig LanguageModelShape(PositionalEncodingKind positional)
        => DecoderShape(s => s with { EncoderLayers = 0, SourceVocabularySize = 0, Positional = positional });

    [Fact]
    public void DisposedLanguageModelIsRefused()
    {
        var ml = new MLContext(seed: 1);
        LanguageModelTransformer model = NewLanguageModel(ml, LanguageModelShape(PositionalEncodingKind.Sinusoidal), seed: 1);
        model.Dispose();
        string folder = TestPaths.NewTempDirectory();
        Assert.Throws<ObjectDisposedException>(() => ml.Model.ExportToOnnx(model, Path.Combine(folder, "lm.onnx")));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    /// <summary>The encoder's folder does not exist: neither file is written, and the error names the folder.</summary>
    [Fact]
    public void Seq2SeqIntoAMissingFolderWritesNeitherFile()
    {
        var ml = new MLContext(seed: 1);
        using SequenceToSequenceTransformer model = NewSeq2Seq(ml, DecoderShape(s => s), seed: 1);
        string folder = Path.Combine(TestPaths.NewTempDirectory(), "absent");
        var error = Assert.Throws<DirectoryNotFoundException>(() => ml.Model.ExportToOnnx(model, Path.Combine(folder, "translator.onnx")));
        Assert.Contains(folder, error.Message);
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>A step whose positions go past max_len: our model refuses it, and so does ONNX Runtime (the position
    /// table has no row for it); the last position within max_len is scored.</summary>
    [Theory]
    [InlineData(PositionalEncodingKind.Sinusoidal)]
    [InlineData(PositionalEncodingKind.Learned)]
    public void StepPastMaxLengthIsRefused(PositionalEncodingKind positional)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = LanguageModelShape(positional);
        using LanguageModelTransformer model = NewLanguageModel(ml, shape, seed: 1);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "lm.onnx");
        ml.Model.ExportToOnnx(model, file);
        using var session = new InferenceSession(file);

        Dictionary<string, float[]> Step(int pastLength)
        {
            var inputs = new Dictionary<string, Input> { ["input_ids"] = Ids([5], rows: 1) };
            for (int i = 0; i < shape.DecoderLayers; i++)
                foreach (string part in new[] { "key", "value" })
                    inputs[$"past_{part}_{i}"] = new(new float[shape.ModelDimension * pastLength], [1, shape.Heads, pastLength, shape.HeadDimension]);
            return Run(session, inputs);
        }

        Assert.Equal(OnnxClassifiers.Vocabulary, Step(shape.MaxLength - 1)["logits"].Length);
        Assert.Throws<OnnxRuntimeException>(() => Step(shape.MaxLength));
    }
}
