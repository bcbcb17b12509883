using System.IO.Compression;
using System.Text;
using Microsoft.ML.Transformer.Tests.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>Whole model files: fresh-process loading, corruption, format versions, atomic saves.</summary>
public class ModelFileTests
{
    private static readonly TokenizerOptions Bpe = new() { VocabularySize = 300, MinimumFrequency = 1, LengthColumnName = "Length" };

    private static (string Path, ITransformer Model, IDataView Data) SaveTokenizer(TokenizerOptions? options = null)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TokenizeForTransformerEstimatorTests.Data(ml);
        ITransformer model = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", options ?? Bpe).Fit(data);
        string path = Path.Combine(TestPaths.NewTempDirectory(), "model.zip");
        ml.Model.SaveAtomically(model, data.Schema, path);
        return (path, model, data);
    }

    private static Exception LoadFails(string path) => Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));

    /// <summary>The message of the innermost exception that says what is wrong (ML.NET may wrap ours).</summary>
    private static string Reason(Exception e)
    {
        var messages = new StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException) messages.AppendLine(x.Message);
        return messages.ToString();
    }

    [Fact]
    public void LoadsInAFreshProcessWithoutRegistration()
    {
        var (path, model, data) = SaveTokenizer();
        var (exitCode, output) = ProcessRunner.Run(TestPaths.DotnetHost, [TestPaths.SamplesDll, "inspect", "--model", path, "--text", TextTokenizerTests.Corpus[0]]);
        Assert.True(exitCode == 0, output);
        int[] expected = ((TokenizerTransformer)model).Tokenizer.Encode(TextTokenizerTests.Corpus[0]);
        Assert.Contains("Tokens: " + string.Join(" ", expected), output);
    }

    [Fact]
    public void TruncatedZipIsReported()
    {
        var (path, _, _) = SaveTokenizer();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Exception error = LoadFails(path);
        Assert.Matches("(?i)central directory|corrupt|zip", Reason(error));
    }

    [Fact]
    public void CorruptConfigIsReportedAsModelFormatError()
    {
        var (path, _, _) = SaveTokenizer();
        ModelZip.EditEntry(path, "config.json", bytes => bytes[..(bytes.Length / 3)]);
        Exception error = LoadFails(path);
        Assert.Contains("config.json is not valid JSON", Reason(error));
        Assert.Contains("Tokenizer component", Reason(error));
    }

    [Fact]
    public void MissingTensorEntryIsReported()
    {
        var (path, _, _) = SaveTokenizer();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            zip.Entries.Single(e => e.FullName.EndsWith("tensors.safetensors", StringComparison.Ordinal)).Delete();
        Assert.Contains("entry 'tensors.safetensors' is missing", Reason(LoadFails(path)));
    }

    [Fact]
    public void TensorWithTheWrongShapeIsNamed()
    {
        var (path, _, _) = SaveTokenizer();
        ModelZip.RemoveContentHash(path); // as in a file saved before the hash, which would report this edit first
        ModelZip.EditEntry(path, "tensors.safetensors", bytes =>
        {
            string text = Encoding.Latin1.GetString(bytes);
            int at = text.IndexOf("\"shape\":[", StringComparison.Ordinal) + "\"shape\":[".Length;
            int end = text.IndexOf(']', at);
            string[] dims = text[at..end].Split(',');
            string swapped = $"{dims[1]},{dims[0]}"; // [n,2] → [2,n]: same bytes, wrong shape
            return Encoding.Latin1.GetBytes(text[..at] + swapped.PadRight(end - at) + text[end..]);
        });
        Assert.Matches("tensor 'bpe.merges' has shape \\[2, \\d+\\], expected \\[-1, 2\\]", Reason(LoadFails(path)));
    }

    [Fact]
    public void ModelFromANewerFormatAsksForAnUpgrade()
    {
        var (path, _, _) = SaveTokenizer();
        ModelZip.EditEntry(path, "config.json", bytes => Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(bytes).Replace("\"formatVersion\": 1", "\"formatVersion\": 99")));
        string reason = Reason(LoadFails(path));
        Assert.Contains("saved in format version 99", reason);
        Assert.Contains("Upgrade the Microsoft.ML.Transformer package", reason);
    }

    [Fact]
    public void ConfigOfAnotherComponentIsRejected()
    {
        var (path, _, _) = SaveTokenizer();
        ModelZip.EditEntry(path, "config.json", bytes => Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(bytes).Replace("\"component\": \"Tokenizer\"", "\"component\": \"Classifier\"")));
        Assert.Contains("describes a 'Classifier' component, not 'Tokenizer'", Reason(LoadFails(path)));
    }

    [Fact]
    public void SaveAtomicallyReplacesTheFileOnlyOnSuccess()
    {
        var (path, model, data) = SaveTokenizer();
        byte[] original = File.ReadAllBytes(path);
        var ml = new MLContext();
        Assert.ThrowsAny<Exception>(() => ml.Model.SaveAtomically(new FailingTransformer(), data.Schema, path));
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind

        ml.Model.SaveAtomically(model, data.Schema, path);
        Assert.NotNull(ml.Model.Load(path, out _));
    }

    /// <summary>Model files written by format version 1 (Fixtures/, committed) must load in every later version.</summary>
    [Fact]
    public void FormatVersion1FixtureStillLoadsAndMatchesAFreshFit()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TokenizeForTransformerEstimatorTests.Data(ml);
        var pipeline = ml.Transforms.Text.TokenizeForTransformer("Words", "Text", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, OutputAsKeys = true })
            .Append(ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", Bpe with { AddEndOfSequence = true }));
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers-format1.zip");
        if (Environment.GetEnvironmentVariable("MLT_WRITE_FIXTURES") == "1")
        {
            string source = Path.Combine(TestPaths.RepoRoot, "tests", "Microsoft.ML.Transformer.Tests", "Fixtures", "tokenizers-format1.zip");
            ml.Model.SaveAtomically(pipeline.Fit(data), data.Schema, source);
            Directory.CreateDirectory(Path.GetDirectoryName(fixture)!);
            File.Copy(source, fixture, overwrite: true);
        }

        ITransformer loaded = new MLContext().Model.Load(fixture, out _);
        ITransformer fresh = pipeline.Fit(data);
        Assert.Equal(TokenizeForTransformerEstimatorTests.ReadAll(fresh.Transform(data)),
            TokenizeForTransformerEstimatorTests.ReadAll(loaded.Transform(data)));
    }

    /// <summary>A transformer whose save fails halfway.</summary>
    private sealed class FailingTransformer : ITransformer
    {
        public bool IsRowToRowMapper => true;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public IDataView Transform(IDataView input) => input;

        public void Save(ModelSaveContext ctx) => throw new IOException("disk full (simulated)");
    }
}
