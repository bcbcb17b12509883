namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>The public entry <c>mlContext.Model.LoadPretrainedEncoder</c>: what it exposes and the importer's errors
/// it passes on.</summary>
public class PretrainedEncoderTests
{
    [Fact]
    public void ExposesShapeAndMatchingTokenizer()
    {
        using var checkpoint = new TinyCheckpoint();
        PretrainedEncoder encoder = new MLContext().Model.LoadPretrainedEncoder(checkpoint.Folder);
        Assert.Equal((16, 12, 2, TinyCheckpoint.Vocabulary), (encoder.ModelDimension, encoder.MaxLength, encoder.Layers, encoder.VocabularySize));
        Assert.Equal(TokenizerKind.WordPiece, encoder.TokenizerOptions.Kind);
        Assert.Equal(checkpoint.Folder, encoder.TokenizerOptions.VocabularyPath);
        Assert.Equal(12, encoder.TokenizerOptions.MaxLength);
    }

    [Fact]
    public void FolderThatIsNotACheckpoint()
    {
        var ml = new MLContext();
        string folder = TestPaths.NewTempDirectory();
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a model");
        Assert.Contains("config.json", Assert.Throws<FileNotFoundException>(() => ml.Model.LoadPretrainedEncoder(folder)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => ml.Model.LoadPretrainedEncoder(Path.Combine(folder, "missing")));
        File.WriteAllText(Path.Combine(folder, "config.json"), "{ \"model_type\": \"gpt2\" }");
        Assert.Contains("model_type 'gpt2' is not supported", Assert.Throws<ModelFormatException>(() => ml.Model.LoadPretrainedEncoder(folder)).Message);
    }

    [Fact]
    public void CheckpointWithoutVocabulary()
    {
        using var checkpoint = new TinyCheckpoint();
        File.Delete(Path.Combine(checkpoint.Folder, "vocab.txt"));
        var e = Assert.Throws<FileNotFoundException>(() => new MLContext().Model.LoadPretrainedEncoder(checkpoint.Folder));
        Assert.Contains("vocab.txt", e.Message);
    }
}
