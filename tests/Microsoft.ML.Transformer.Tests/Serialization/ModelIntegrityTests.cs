using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Microsoft.ML.Transformer.Tests.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>
/// What a loaded model is: the one that was saved. A damaged weight, a non-finite weight or an edited config is a
/// <see cref="ModelFormatException"/> naming the component, never a model that loads and scores differently. The
/// classifier fixture (format 1, saved before content hashes) stands for an older file; saved again, for a new one.
/// </summary>
public class ModelIntegrityTests
{
    private const string Fixture = "classifier-format1.zip";

    /// <summary>The fixture saved again by this library, so that it records a content hash.</summary>
    private static string SavedNow()
    {
        var ml = new MLContext(seed: 1);
        string path = Path.Combine(TestPaths.NewTempDirectory(), "model.zip");
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", Fixture), out DataViewSchema schema);
        using ((IDisposable)model) ml.Model.SaveAtomically(model, schema, path);
        return path;
    }

    /// <summary>Loading fails with a format error that names <paramref name="component"/> and says <paramref name="problem"/>.</summary>
    private static void LoadFails(string path, string problem, string component = "Classifier component")
    {
        string message = Assert.Throws<ModelFormatException>(() => new MLContext().Model.LoadTransformer(path, out _)).Message;
        Assert.Contains(component, message);
        Assert.Contains(problem, message);
    }

    private static string ConfigText(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith("config.json", StringComparison.Ordinal)).Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public void SavedComponentsRecordAContentHash()
        => Assert.Matches("\"contentHash\": \"sha256:[0-9a-f]{64}\"", ConfigText(SavedNow()));

    [Fact]
    public void FlippedBitInAWeightIsReported()
    {
        string path = SavedNow();
        ModelZip.EditTensor(path, "head.weight", bytes => bytes[5] ^= 0x01); // a mantissa bit: still a finite float
        LoadFails(path, "content hash");
    }

    [Fact]
    public void ConfigEditThatKeepsEveryTensorShapeIsReported()
    {
        string path = SavedNow();
        ModelZip.EditConfig(path, "\"heads\": 2", "\"heads\": 4"); // d_k 16 → 8: same tensors, different scores
        LoadFails(path, "content hash");
    }

    [Fact]
    public void NonFiniteWeightIsNamedEvenWithoutAHash()
    {
        string path = ModelZip.CopyOfFixture(Fixture);
        ModelZip.EditTensor(path, "head.bias", bytes => BinaryPrimitives.WriteSingleLittleEndian(bytes, float.NaN));
        LoadFails(path, "tensor 'head.bias' holds a non-finite value");
    }

    [Fact]
    public void InvalidShapeInAFileWithoutAHashIsAFormatError()
    {
        string path = ModelZip.CopyOfFixture(Fixture);
        ModelZip.EditConfig(path, "\"heads\": 2", "\"heads\": 3"); // 32 is not divisible by 3
        LoadFails(path, "heads");
    }

    [Fact]
    public void InvalidBlockSizeInAFileWithoutAHashIsAFormatError()
    {
        string path = ModelZip.CopyOfFixture(Fixture);
        ModelZip.EditConfig(path, "\"blockSize\": 256", "\"blockSize\": 0");
        LoadFails(path, "blockSize");
    }

    [Fact]
    public void TokenizerMergeEditIsReported()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TokenizeForTransformerEstimatorTests.Data(ml);
        ITransformer tokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { VocabularySize = 300, MinimumFrequency = 1 }).Fit(data);
        string path = Path.Combine(TestPaths.NewTempDirectory(), "tokenizer.zip");
        ml.Model.SaveAtomically(tokenizer, data.Schema, path);
        ModelZip.EditTensor(path, "bpe.merges", bytes => (bytes[0], bytes[8]) = (bytes[8], bytes[0])); // two merges swapped
        LoadFails(path, "content hash", "Tokenizer component");
    }
}
