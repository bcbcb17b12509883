using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>TokenizerKind.WordPiece: BERT's ids, lower-casing per tokenizer_config.json, truncation, save → load
/// without the vocabulary folder, and bad vocabularies. A tiny vocabulary written per test covers the rules; the
/// bert-base-uncased check reads the shared MiniLM folder and skips when it is absent.</summary>
public class WordPieceTokenizationTests
{
    private static readonly string SharedMiniLm = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "models", "all-MiniLM-L6-v2"));

    private static readonly string[] TinyVocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "Hello", ",", "!", "the", "##s"];

    private static string RequireSharedMiniLm()
    {
        if (!File.Exists(Path.Combine(SharedMiniLm, "vocab.txt")))
            Assert.Skip($"The shared bert-base-uncased vocabulary is absent ({SharedMiniLm}/vocab.txt): this check needs ../shared/models/all-MiniLM-L6-v2.");
        return SharedMiniLm;
    }

    private static string TinyFolder(bool? doLowerCase, string[]? vocabulary = null)
    {
        string folder = TestPaths.NewTempDirectory();
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), vocabulary ?? TinyVocabulary);
        if (doLowerCase is { } lower)
            File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), $$"""{ "do_lower_case": {{(lower ? "true" : "false")}} }""");
        return folder;
    }

    private static int[][] Tokenize(ITransformer model, MLContext ml, params string[] texts)
    {
        IDataView output = model.Transform(TokenizeForTransformerEstimatorTests.Data(ml, texts));
        return output.GetColumn<VBuffer<int>>("Tokens").Select(v => v.DenseValues().ToArray()).ToArray();
    }

    private static TokenizerTransformer Fit(MLContext ml, string path, TokenizerOptions? options = null)
        => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", (options ?? new TokenizerOptions()) with { Kind = TokenizerKind.WordPiece, VocabularyPath = path })
            .Fit(TokenizeForTransformerEstimatorTests.Data(ml, ["unused"]));

    [Fact]
    public void HelloWorldWithBertBaseUncasedIsTheReferenceIds()
    {
        var ml = new MLContext(seed: 1);
        TokenizerTransformer model = Fit(ml, RequireSharedMiniLm());

        Assert.Equal([101, 7592, 1010, 2088, 999, 102], Tokenize(model, ml, "Hello, world!")[0]);
        Assert.True(model.Options.LowerCase);   // tokenizer_config.json: do_lower_case true
        Assert.Equal(30522, model.VocabularySize);
        Assert.Equal("hello, world!", model.Decode([101, 7592, 1010, 2088, 999, 102]));
    }

    [Fact]
    public void SavedModelLoadsWithoutTheVocabularyFolderAndGivesIdenticalIds()
    {
        string shared = RequireSharedMiniLm();
        string folder = TestPaths.NewTempDirectory();
        foreach (string name in new[] { "vocab.txt", "tokenizer_config.json" }) File.Copy(Path.Combine(shared, name), Path.Combine(folder, name));
        string[] texts = ["Hello, world!", "", "Unbelievably tokenized naïve café text.", string.Concat(Enumerable.Repeat("word ", 600))];
        var ml = new MLContext(seed: 1);
        TokenizerTransformer model = Fit(ml, folder);
        int[][] expected = Tokenize(model, ml, texts);
        using var stream = new MemoryStream();
        ml.Model.Save(model, TokenizeForTransformerEstimatorTests.Data(ml, texts).Schema, stream);
        Directory.Delete(folder, recursive: true);

        stream.Position = 0;
        var other = new MLContext();
        ITransformer loaded = other.Model.Load(stream, out _);

        Assert.Equal(expected, Tokenize(loaded, other, texts));
        Assert.DoesNotContain(folder, System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void SpecialTokensUseTheVocabularysIdsAndAreRecordedOnTheColumn()
    {
        var ml = new MLContext(seed: 1);
        TokenizerTransformer model = Fit(ml, TinyFolder(doLowerCase: true), new TokenizerOptions { PadToMaxLength = true, MaxLength = 6 });

        Assert.Equal([2, 5, 8, 6, 9, 3], Tokenize(model, ml, "Hello, world!")[0]);
        Assert.Equal([2, 3, 0, 0, 0, 0], Tokenize(model, ml, "")[0]);   // empty text: [CLS] [SEP], then [PAD] = 0
        DataViewSchema.Column tokens = model.GetOutputSchema(TokenizeForTransformerEstimatorTests.Data(ml).Schema)["Tokens"];
        int Annotation(string kind) { int value = -1; tokens.Annotations.GetValue(kind, ref value); return value; }
        Assert.Equal(0, Annotation("TokenPaddingId"));
        Assert.Equal(2, Annotation("TokenClassificationId"));
        Assert.Equal(3, Annotation("TokenSeparatorId"));
        bool startsWithClass = false;
        tokens.Annotations.GetValue("TokenStartsWithClassToken", ref startsWithClass);
        Assert.True(startsWithClass);
    }

    [Theory]
    [InlineData(true, new[] { 2, 5, 6, 3 })]    // "Hello World" → hello world
    [InlineData(false, new[] { 2, 7, 1, 3 })]   // Hello kept; "World" is not in the vocabulary → [UNK]
    public void LowerCasingFollowsTokenizerConfig(bool doLowerCase, int[] expected)
    {
        var ml = new MLContext(seed: 1);
        // LowerCase in the options is overridden by the folder's do_lower_case.
        TokenizerTransformer model = Fit(ml, TinyFolder(doLowerCase), new TokenizerOptions { LowerCase = !doLowerCase });

        Assert.Equal(expected, Tokenize(model, ml, "Hello World")[0]);
        Assert.Equal(doLowerCase, model.Options.LowerCase);
    }

    [Fact]
    public void WithoutTokenizerConfigTheLowerCaseOptionDecides()
    {
        var ml = new MLContext(seed: 1);
        string vocabularyFile = Path.Combine(TinyFolder(doLowerCase: null), "vocab.txt");

        Assert.Equal([2, 5, 3], Tokenize(Fit(ml, vocabularyFile, new TokenizerOptions { LowerCase = true }), ml, "Hello")[0]);
        Assert.Equal([2, 7, 3], Tokenize(Fit(ml, vocabularyFile), ml, "Hello")[0]);
    }

    [Fact]
    public void TruncationKeepsClsAndSepAndIsCounted()
    {
        var ml = new MLContext(seed: 1);
        TokenizerTransformer model = Fit(ml, TinyFolder(doLowerCase: true), new TokenizerOptions { MaxLength = 4 });

        int[][] ids = Tokenize(model, ml, "hello world hello world", "hello", "the the the");

        Assert.Equal([2, 5, 6, 3], ids[0]);
        Assert.Equal([2, 5, 3], ids[1]);
        Assert.Equal([2, 10, 10, 3], ids[2]);
        Assert.Equal(2, model.TruncatedRowCount);
    }

    [Fact]
    public void DefaultMaxLengthIsBertsFiveHundredTwelve()
        => Assert.Equal(512, new TokenizerOptions { Kind = TokenizerKind.WordPiece }.MaxLength);

    [Fact]
    public void MissingFolderOrFileIsAnErrorNamingIt()
    {
        var ml = new MLContext(seed: 1);
        string missingFolder = Path.Combine(Path.GetTempPath(), "mlt-no-such-folder-" + Guid.NewGuid().ToString("N"));
        string emptyFolder = TestPaths.NewTempDirectory();

        var noFolder = Assert.Throws<DirectoryNotFoundException>(() => Fit(ml, Path.Combine(missingFolder, "vocab.txt")));
        Assert.Contains(missingFolder, noFolder.Message);
        var noFile = Assert.Throws<FileNotFoundException>(() => Fit(ml, emptyFolder));
        Assert.Contains(Path.Combine(emptyFolder, "vocab.txt"), noFile.Message);
        Assert.Throws<ArgumentException>(() => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.WordPiece }));
    }

    [Theory]
    [InlineData("[CLS]")]
    [InlineData("[SEP]")]
    public void VocabularyWithoutASpecialTokenIsAnErrorNamingTheFile(string missing)
    {
        string folder = TinyFolder(doLowerCase: true, TinyVocabulary.Where(t => t != missing).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => Fit(new MLContext(seed: 1), folder));

        Assert.Contains(Path.Combine(folder, "vocab.txt"), error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void BeginAndEndOfSequenceAreRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.TokenizeForTransformer("Tokens", "Text",
            new TokenizerOptions { Kind = TokenizerKind.WordPiece, VocabularyPath = "vocab.txt", AddEndOfSequence = true }));

    [Fact]
    public void SavedVocabularyWithoutClsIsAFormatError()
    {
        var ml = new MLContext(seed: 1);
        TokenizerTransformer model = Fit(ml, TinyFolder(doLowerCase: true));
        var (config, tensors) = Microsoft.ML.Transformer.Tokenization.TokenizerConfig.From(model);
        var broken = config with { Vocabulary = TinyVocabulary.Select(t => t == "[CLS]" ? "cls" : t).ToArray() };

        var error = Assert.Throws<ModelFormatException>(() => broken.CreateTokenizer(new TensorSet(tensors, "model.zip"), "model.zip: tokenizer"));
        Assert.Contains("[CLS]", error.Message);
    }
}
