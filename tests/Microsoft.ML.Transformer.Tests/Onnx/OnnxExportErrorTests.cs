using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transformer.Tests.Classification;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>What an export refuses, and that a refused or failed export leaves nothing half-written behind.</summary>
public class OnnxExportErrorTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static TransformerClassifierTransformer Classifier(MLContext ml) => Create(ml, Shape(), ClassifierPooling.Mean);

    /// <summary>A folder holding one good file, which a failed export must leave as it was.</summary>
    private static (string Path, byte[] Bytes) ExistingFile()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory(), "model.onnx");
        byte[] bytes = [1, 2, 3, 4];
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }

    private static void Unchanged((string Path, byte[] Bytes) file)
    {
        Assert.Equal(file.Bytes, File.ReadAllBytes(file.Path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file.Path)!, "*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public void DisposedModelIsRefusedAndTheFileKept()
    {
        var ml = new MLContext(seed: 1);
        TransformerClassifierTransformer classifier = Classifier(ml);
        classifier.Dispose();
        var file = ExistingFile();
        Assert.Throws<ObjectDisposedException>(() => ml.Model.ExportToOnnx(classifier, file.Path));
        Unchanged(file);
    }

    [Fact]
    public void ExportReplacesAnExistingFileWhole()
    {
        var ml = new MLContext(seed: 1);
        using var classifier = Classifier(ml);
        var file = ExistingFile();
        ml.Model.ExportToOnnx(classifier, file.Path);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file.Path)!, "*", new EnumerationOptions { AttributesToSkip = 0 }));
        using var session = new InferenceSession(file.Path);   // a complete model, not the old bytes
        Assert.Equal(new[] { "input_ids" }, session.InputNames);
    }

    [Fact]
    public void MissingFolderIsNamed()
    {
        var ml = new MLContext(seed: 1);
        using var classifier = Classifier(ml);
        string folder = Path.Combine(TestPaths.NewTempDirectory(), "absent");
        var error = Assert.Throws<DirectoryNotFoundException>(() => ml.Model.ExportToOnnx(classifier, Path.Combine(folder, "model.onnx")));
        Assert.Contains(folder, error.Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void FolderAsPathIsRefused()
    {
        var ml = new MLContext(seed: 1);
        using var classifier = Classifier(ml);
        string folder = TestPaths.NewTempDirectory();
        var error = Assert.Throws<ArgumentException>(() => ml.Model.ExportToOnnx(classifier, folder));
        Assert.Contains("is a folder, not a model file", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void ReadOnlyFolderIsRefusedAndLeftEmpty()
    {
        var ml = new MLContext(seed: 1);
        using var classifier = Classifier(ml);
        string folder = ReadOnlyFolder();
        string[] before = Directory.GetFileSystemEntries(folder);
        var error = Assert.Throws<UnauthorizedAccessException>(() => ml.Model.ExportToOnnx(classifier, Path.Combine(folder, "model.onnx")));
        Assert.Contains(folder, error.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(folder));
    }

    /// <summary>A folder this process cannot write: a temporary one without write permission, or, for root (whom
    /// permissions do not stop), the kernel's read-only /sys.</summary>
    private static string ReadOnlyFolder()
    {
        string folder = TestPaths.NewTempDirectory();
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        foreach (string candidate in new[] { folder, "/sys" })
            if (Directory.Exists(candidate) && !Writable(candidate)) return candidate;
        Assert.Skip("No folder here refuses this process's writes.");
        return folder;
    }

    private static bool Writable(string folder)
    {
        string probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    [Fact]
    public void TokenizerAloneHoldsNothingToExport()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = ml.Data.LoadFromEnumerable(new[] { new OnnxMetadataTests.TextRow { Text = "a few words" } });
        ITransformer tokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1 }).Fit(text);
        var error = Assert.Throws<ArgumentException>(() => ml.Model.ExportToOnnx(tokenizer, Path.Combine(TestPaths.NewTempDirectory(), "model.onnx")));
        Assert.Contains("holds no Transformer model", error.Message);
    }

    [Fact]
    public void TwoModelsAreAmbiguous()
    {
        var ml = new MLContext(seed: 1);
        using var first = Classifier(ml);
        using var second = Classifier(ml);
        var chain = new TransformerChain<ITransformer>(first, second);
        var error = Assert.Throws<ArgumentException>(() => ml.Model.ExportToOnnx(chain, Path.Combine(TestPaths.NewTempDirectory(), "model.onnx")));
        Assert.Contains("2 Transformer models", error.Message);
    }

    /// <summary>A row longer than max_len: our model refuses it, and so does ONNX Runtime (the position table has no
    /// row for it), float32 or int8; a row of max_len is scored.</summary>
    [Theory]
    [InlineData(PositionalEncodingKind.Sinusoidal, OnnxQuantization.None)]
    [InlineData(PositionalEncodingKind.Learned, OnnxQuantization.None)]
    [InlineData(PositionalEncodingKind.Sinusoidal, OnnxQuantization.Int8Dynamic)]
    public void OnnxRuntimeRefusesRowsPastMaxLength(PositionalEncodingKind positional, OnnxQuantization quantization)
    {
        var ml = new MLContext(seed: 1);
        using var classifier = Create(ml, Shape(s => s with { Positional = positional }), ClassifierPooling.Mean);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "model.onnx");
        ml.Model.ExportToOnnx(classifier, file, new OnnxExportOptions { Quantization = quantization });
        int maxLength = classifier.MaxLength;
        Assert.Single((float[])Run(file, [.. Enumerable.Repeat(5L, maxLength)], maxLength)["Score"]);
        Assert.Throws<OnnxRuntimeException>(() => Run(file, [.. Enumerable.Repeat(5L, maxLength + 1)], maxLength + 1));
    }

    /// <summary>An id outside the vocabulary (another tokenizer's ids): ONNX Runtime's Gather refuses it, float32 or
    /// int8, rather than reading past the embedding table.</summary>
    [Theory]
    [InlineData(OnnxQuantization.None)]
    [InlineData(OnnxQuantization.Int8Dynamic)]
    public void OnnxRuntimeRefusesIdsPastTheVocabulary(OnnxQuantization quantization)
    {
        var ml = new MLContext(seed: 1);
        using var classifier = Create(ml, Shape(), ClassifierPooling.Mean);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "model.onnx");
        ml.Model.ExportToOnnx(classifier, file, new OnnxExportOptions { Quantization = quantization });
        Assert.Single((float[])Run(file, [1, 2, Vocabulary - 1], 3)["Score"]);
        var error = Assert.Throws<OnnxRuntimeException>(() => Run(file, [1, 2, Vocabulary], 3));
        Assert.Contains("out of", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
