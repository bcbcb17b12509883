using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.Pretrained;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Text, tokenizer and encoder are checked before any training, with errors that name the problem; no
/// checkpoint is written.</summary>
public class PretrainingBadInputTests
{
    private static Exception Fails(MLContext ml, IEnumerable<string> texts, EncoderPretrainingOptions? options = null)
    {
        IDataView data = PretrainingData.View(ml, texts.Select(t => new PretrainingData.Document { Text = t }).ToList());
        return Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.PretrainEncoder("Features", "Text", options ?? PretrainingData.Options(epochs: 1)).Fit(data));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    public void EmptyOrWhitespaceTextIsRefused(int rows, bool fittedTokenizer)
    {
        var ml = new MLContext(seed: 1);
        using var temp = new ClassifierData.TempDirectory();
        EncoderPretrainingOptions options = PretrainingData.Options(epochs: 1);
        options.CheckpointDirectory = temp.Sub("checkpoints");
        if (fittedTokenizer)
            options.FittedTokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", options.Tokenizer).Fit(PretrainingData.View(ml, PretrainingData.Pairs(5)));
        Exception error = Fails(ml, Enumerable.Repeat("  \t ", rows), options);
        // fitting a tokenizer finds it first; a fitted tokenizer reads the text to pretrain
        Assert.Contains(fittedTokenizer ? "has no tokens to pretrain on: 3 rows, all empty or whitespace" : "column 'Text' has no non-empty text", error.Message);
        Assert.False(Directory.Exists(options.CheckpointDirectory));   // nothing half-written
    }

    [Fact]
    public void TextShorterThanOneSequenceIsRefused()
    {
        Exception error = Fails(new MLContext(seed: 1), ["p1 q1 p2", "q2"]);
        Assert.Contains("fewer than one sequence of SequenceLength (16) tokens", error.Message);
    }

    [Fact]
    public void ValidationSetShorterThanOneSequenceIsRefused()
    {
        var ml = new MLContext(seed: 1);
        EncoderPretrainingOptions options = PretrainingData.Options(epochs: 1);
        options.ValidationSet = PretrainingData.View(ml, [new PretrainingData.Document { Text = "p1 q1" }]);
        Exception error = Fails(ml, PretrainingData.Pairs(20).Select(d => d.Text), options);
        Assert.Contains("The ValidationSet has 3 tokens: fewer than one sequence of SequenceLength (16)", error.Message);
    }

    [Fact]
    public void TokenizerOfAnotherVocabularyIsRefusedForContinuedPretraining()
    {
        var ml = new MLContext(seed: 1);
        using var checkpoint = new TinyCheckpoint();
        using var other = new TinyCheckpoint(word: "x");   // same size, other tokens
        var tokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", ml.Model.LoadPretrainedEncoder(other.Folder).TokenizerOptions)
            .Fit(PretrainingData.View(ml, PretrainingData.Pairs(2)));
        var options = new EncoderPretrainingOptions { InitialEncoder = ml.Model.LoadPretrainedEncoder(checkpoint.Folder), FittedTokenizer = tokenizer, Epochs = 1 };
        Exception error = Fails(ml, ["w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13"], options);
        Assert.Contains("The tokenizer does not match the InitialEncoder", error.Message);
        Assert.Contains("leave FittedTokenizer unset", error.Message);
    }

    [Fact]
    public void VocabularyWithoutMaskIsRefused()
    {
        using var checkpoint = new TinyCheckpoint();
        string vocabulary = Path.Combine(checkpoint.Folder, "vocab.txt");
        File.WriteAllLines(vocabulary, File.ReadAllLines(vocabulary).Select(token => token == "[MASK]" ? "w99" : token));
        var ml = new MLContext(seed: 1);
        var options = new EncoderPretrainingOptions { Tokenizer = new TokenizerOptions { Kind = TokenizerKind.WordPiece, VocabularyPath = checkpoint.Folder }, Epochs = 1 };
        Exception error = Fails(ml, ["w1 w2 w3"], options);
        Assert.Contains("has no [MASK] token", error.Message + error.InnerException?.Message);
    }

    [Fact]
    public void SequenceLongerThanTheInitialEncoderIsRefused()
    {
        using var checkpoint = new TinyCheckpoint();
        var ml = new MLContext(seed: 1);
        var options = new EncoderPretrainingOptions { InitialEncoder = ml.Model.LoadPretrainedEncoder(checkpoint.Folder), SequenceLength = 64 };
        Exception error = Fails(ml, ["w1 w2 w3"], options);
        Assert.Contains("SequenceLength (64) is longer than the InitialEncoder's 12 positions", error.Message);
    }

    [Theory]
    [InlineData(nameof(EncoderPretrainingOptions.MaskProbability), 0.0)]
    [InlineData(nameof(EncoderPretrainingOptions.RandomTokenFraction), 0.5)]
    [InlineData(nameof(EncoderPretrainingOptions.ValidationFraction), 1.0)]
    [InlineData(nameof(EncoderPretrainingOptions.GeneratorSizeFraction), 0.0)]
    [InlineData(nameof(EncoderPretrainingOptions.GeneratorSizeFraction), 1.5)]
    [InlineData(nameof(EncoderPretrainingOptions.GeneratorSizeFraction), double.NaN)]
    [InlineData(nameof(EncoderPretrainingOptions.DiscriminatorLossWeight), 0.0)]
    [InlineData(nameof(EncoderPretrainingOptions.DiscriminatorLossWeight), -50.0)]
    [InlineData(nameof(EncoderPretrainingOptions.DiscriminatorLossWeight), double.PositiveInfinity)]
    public void InvalidPretrainingSettingsAreRefusedAtCreation(string name, double value)
    {
        var options = new EncoderPretrainingOptions { Objective = PretrainingObjective.ReplacedTokenDetection };
        typeof(EncoderPretrainingOptions).GetProperty(name)!.SetValue(options, value);
        var error = Assert.ThrowsAny<InvalidOperationException>(() => new MLContext().Transforms.Text.PretrainEncoder("Features", "Text", options));
        Assert.Contains($"Invalid EncoderPretrainingOptions: {name}", error.Message);
    }

    [Fact]
    public void UnknownObjectiveIsRefusedAtCreation()
    {
        var options = new EncoderPretrainingOptions { Objective = (PretrainingObjective)7 };
        var error = Assert.ThrowsAny<InvalidOperationException>(() => new MLContext().Transforms.Text.PretrainEncoder("Features", "Text", options));
        Assert.Contains("Invalid EncoderPretrainingOptions: Objective must be MaskedLanguageModel or ReplacedTokenDetection", error.Message);
    }
}
