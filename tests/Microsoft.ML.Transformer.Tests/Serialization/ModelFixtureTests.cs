using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.Seq2Seq;

namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>
/// Model zips of every kind written by the library before the one-shape refactor (format version 1, commit f1e8f15:
/// a classifier, a contextual embedding from it, a copy-task sequence-to-sequence model with its source tokenizer, a
/// language model), loaded by today's code: each must give what it gave when it was saved
/// (<c>Fixtures/models-format1.expected.json</c>, written in the same run as the zips).
/// </summary>
public class ModelFixtureTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(Fixture("models-format1.expected.json"))).RootElement;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static float[] Floats(string key) => [.. Expected.GetProperty(key).EnumerateArray().Select(e => e.GetSingle())];

    private static ITransformer Load(MLContext ml, string name) => ml.Model.Load(Fixture(name), out _);

    [Fact]
    public void ClassifierScoresAsWhenSaved()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = Load(ml, "classifier-format1.zip");
        float[] scores = ClassifierData.Floats(model.Transform(ClassifierData.Binary(ml, 8, seed: 5)));
        Assert.Equal(Floats("classifier"), scores, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void EmbeddingEncodesAsWhenSaved()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = Load(ml, "embedding-format1.zip");
        float[] features = [.. model.Transform(ClassifierData.Binary(ml, 8, seed: 5)).GetColumn<VBuffer<float>>("Features").SelectMany(v => v.DenseValues())];
        Assert.Equal(Floats("embedding"), features, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void SequenceToSequenceDecodesAsWhenSaved()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = Load(ml, "seq2seq-format1.zip");
        IDataView decoded = model.Transform(ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(6, seed: 9, reverse: false)));
        Assert.Equal(Expected.GetProperty("seq2seq").EnumerateArray().Select(e => e.GetString()), Seq2SeqData.Column(decoded, "Prediction"));
        Assert.Equal(Floats("seq2seqScore"), decoded.GetColumn<float>("Score"), (a, b) => Math.Abs(a - b) < 1e-4f);
    }

    [Fact]
    public void LanguageModelGeneratesAsWhenSaved()
    {
        var model = (LanguageModelTransformer)Load(new MLContext(seed: 1), "languagemodel-format1.zip");
        Assert.Equal(Expected.GetProperty("languageModel").GetString(), model.Generate("the ", maxNewTokens: 24, temperature: 0));
    }
}
