using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transformer.LanguageModel;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxDecoders;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary><see cref="OnnxQuantization.Int8Dynamic"/> on the decoding graphs (the rewrite is the classifier's): the
/// language model's step and both files of a sequence-to-sequence model are quantized, load in ONNX Runtime, and their
/// outputs stay near the float files' (the loaders' trained fixtures).</summary>
public class Int8DecoderExportTests
{
    private static readonly OnnxExportOptions Int8 = new() { Quantization = OnnxQuantization.Int8Dynamic };

    [Fact]
    public void LanguageModelStepKeepsItsLogitsAndPrediction()
    {
        var ml = new MLContext(seed: 1);
        var model = Assert.IsType<LanguageModelTransformer>(ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "languagemodel-format1.zip"), out _));
        string folder = TestPaths.NewTempDirectory(), floatFile = Path.Combine(folder, "lm.onnx"), int8File = Path.Combine(folder, "lm.int8.onnx");
        ml.Model.ExportToOnnx(model, floatFile);
        ml.Model.ExportToOnnx(model, int8File, Int8);
        Assert.True(new FileInfo(int8File).Length < new FileInfo(floatFile).Length, "the int8 file is not smaller");   // a tiny model: the metadata is much of it

        long[] prompt = [.. TextGenerator.Prompt(model.Tokenizer.Tokenizer, "the cat sat on the").Select(id => (long)id)];
        float[] LogitsOf(string file)
        {
            using var session = new InferenceSession(file);
            var inputs = new Dictionary<string, Input> { ["input_ids"] = Ids(prompt, 1) };
            AddPast(inputs, model.Config.Model, 1, null);
            return Run(session, inputs)["logits"];
        }
        float[] floats = LogitsOf(floatFile), int8 = LogitsOf(int8File);
        using (var session = new InferenceSession(int8File)) Assert.Equal("int8_dynamic", session.ModelMetadata.CustomMetadataMap["mltransformer.quantization"]);
        double spread = floats.Max() - floats.Min(), difference = floats.Zip(int8, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"logits spread {spread:F3}, largest int8 difference {difference:F4}");
        Assert.True(difference < 0.1 * spread, $"int8 logits differ by {difference} over a spread of {spread}");
        Assert.True(difference > 0, "the int8 file computed exactly the float logits: was it quantized?");
    }

    [Fact]
    public void Seq2SeqFilesAreBothQuantizedAndTranslate()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seq2seq-format1.zip"), out _);
        string folder = TestPaths.NewTempDirectory(), floatFile = Path.Combine(folder, "fixture.onnx"), int8File = Path.Combine(folder, "fixture.int8.onnx");
        ml.Model.ExportToOnnx(model, floatFile);
        ml.Model.ExportToOnnx(model, int8File, Int8);
        var seq2seq = Assert.IsType<SequenceToSequenceTransformer>(((IEnumerable<ITransformer>)model).Last());
        var (sources, _) = OnnxClassifiers.Pad([[7, 8, 9], [9, 8]], seq2seq.Config.Model.PaddingId);
        List<int>[] Translate(string file)
        {
            using var encoder = new InferenceSession(file);
            using var decoder = new InferenceSession(Path.ChangeExtension(file, ".decoder.onnx"));
            Assert.Equal(file == int8File ? "int8_dynamic" : null, encoder.ModelMetadata.CustomMetadataMap.GetValueOrDefault("mltransformer.quantization"));
            Assert.Equal(file == int8File ? "int8_dynamic" : null, decoder.ModelMetadata.CustomMetadataMap.GetValueOrDefault("mltransformer.quantization"));
            return OnnxGreedyDecoding.Translate(encoder, decoder, sources, rows: 2);
        }
        List<int>[] floats = Translate(floatFile), int8 = Translate(int8File);
        TestContext.Current.TestOutputHelper?.WriteLine($"float {string.Join(" | ", floats.Select(r => string.Join(' ', r)))}; int8 {string.Join(" | ", int8.Select(r => string.Join(' ', r)))}");
        Assert.Equal(floats.Select(r => r.Count > 0), int8.Select(r => r.Count > 0));
    }
}
