using System.Reflection;

namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>
/// <c>Model.Load</c> reaches our loaders through reflection, so our errors arrive wrapped in
/// <see cref="TargetInvocationException"/>s; <c>Model.LoadTransformer</c> throws them as themselves, which is what a
/// documented <c>catch (ModelFormatException)</c> needs. Paths that are folders are named as such.
/// </summary>
public class LoadTransformerTests
{
    private static string CorruptModel()
    {
        string path = ModelZip.CopyOfFixture("classifier-format1.zip");
        ModelZip.EditEntry(path, "config.json", bytes => bytes[..(bytes.Length / 2)]);
        return path;
    }

    [Fact]
    public void ModelLoadHidesTheFormatErrorInsideReflectionWrappers()
    {
        // Why the helper exists: ML.NET's own Load does not let the documented catch fire.
        Exception error = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(CorruptModel(), out _));
        Assert.IsNotType<ModelFormatException>(error);
    }

    [Fact]
    public void TheDocumentedCatchFires()
    {
        string? caught = null;
        try
        {
            new MLContext().Model.LoadTransformer(CorruptModel(), out _);
        }
        catch (ModelFormatException e)
        {
            caught = e.Message;
        }
        Assert.NotNull(caught);
        Assert.Contains("Classifier component", caught);
        Assert.Contains("config.json is not valid JSON", caught);
    }

    [Fact]
    public void LoadsWhatModelLoadLoads()
    {
        var ml = new MLContext();
        ITransformer model = ml.Model.LoadTransformer(Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier-format1.zip"), out DataViewSchema schema);
        using ((IDisposable)model)
        {
            Assert.IsType<TransformerClassifierTransformer>(model);
            Assert.Contains(schema, c => c.Name == "Tokens");
        }
    }

    [Fact]
    public void MissingFileIsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => new MLContext().Model.LoadTransformer(Path.Combine(TestPaths.NewTempDirectory(), "none.zip"), out _));

    [Fact]
    public void FolderAsTheModelPathIsNamed()
    {
        string folder = TestPaths.NewTempDirectory();
        var error = Assert.Throws<ArgumentException>(() => new MLContext().Model.LoadTransformer(folder, out _));
        Assert.Contains("is a folder, not a model file", error.Message);
    }

    [Fact]
    public void FolderAsTheSaveTargetIsNamedAndLeftAlone()
    {
        var ml = new MLContext();
        string folder = TestPaths.NewTempDirectory();
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier-format1.zip"), out DataViewSchema schema);
        using ((IDisposable)model)
        {
            var error = Assert.Throws<ArgumentException>(() => ml.Model.SaveAtomically(model, schema, folder));
            Assert.Contains("is a folder, not a model file", error.Message);
        }
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(folder)!, $".{Path.GetFileName(folder)}.*.tmp"));
    }
}
