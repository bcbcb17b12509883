using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary>Bad input to the sequence-to-sequence estimator and transformer: clear errors that name the problem, and
/// the rows that can be kept, kept with a logged count.</summary>
public class Seq2SeqBadInputTests
{
    private static SequenceToSequenceOptions Quick()
    {
        SequenceToSequenceOptions options = Seq2SeqData.Options(epochs: 1);
        options.WarmupSteps = null;
        return options;
    }

    private static (MLContext Ml, IDataView Data) CopyData(int rows = 64)
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(rows, seed: 3, reverse: false)));
    }

    [Fact]
    public void MissingTargetColumnIsNamed()
    {
        var (ml, data) = CopyData();
        var estimator = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer)
            .Append(ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Phonemes", Quick()));
        var e = Assert.ThrowsAny<Exception>(() => estimator.Fit(data));
        Assert.Contains("Phonemes", e.Message);
        Assert.ThrowsAny<Exception>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema)));
    }

    [Fact]
    public void TargetColumnMustBeText()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new NumericTarget { Source = "a b", Target = 3 } });
        var estimator = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer)
            .Append(ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", Quick()));
        var e = Assert.ThrowsAny<Exception>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema)));
        Assert.Contains("Target", e.Message);
        Assert.Contains("String", e.Message);
    }

    [Fact]
    public void RowsWithAnEmptyTargetAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        Seq2SeqData.Pair[] rows = Seq2SeqData.Letters(64, seed: 3, reverse: false);
        for (int i = 0; i < rows.Length; i += 4) rows[i].Target = "";
        var warnings = new List<string>();
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning) warnings.Add(e.Message);
            messages.Add(e.Message);
        };
        using var model = Seq2SeqData.Fit(ml, ml.Data.LoadFromEnumerable(rows), Quick()).LastTransformer;
        Assert.Contains(warnings, w => w.Contains("16 rows with an empty target"));

        // The skips reach every epoch's summary, by reason, and its log line (which has no label to speak of).
        Assert.All(model.TrainingHistory, e => Assert.Equal(16, e.RowsSkipped));
        Assert.All(model.TrainingHistory, e => Assert.Equal(16, Assert.Single(e.SkippedRows, skip => skip.Key.StartsWith("an empty target")).Value));
        Assert.Contains(messages, m => m.Contains("48 rows, 16 skipped for an empty target"));
        Assert.DoesNotContain(messages, m => m.Contains("missing label"));
    }

    [Fact]
    public void OnlyEmptyTargetsIsAnError()
    {
        var ml = new MLContext(seed: 1);
        Seq2SeqData.Pair[] rows = Seq2SeqData.Letters(16, seed: 3, reverse: false);
        foreach (var row in rows) row.Target = "";
        var options = Quick();
        options.TargetTokenizer = ml.Transforms.Text.TokenizeForTransformer("T", "Source", Seq2SeqData.SourceTokenizer)
            .Fit(ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(16, seed: 3, reverse: false)));   // an empty column cannot fit a vocabulary
        var e = Assert.ThrowsAny<Exception>(() => Seq2SeqData.Fit(ml, ml.Data.LoadFromEnumerable(rows), options));
        Assert.Contains("16 skipped for an empty target", e.Message);
    }

    [Fact]
    public void LongSourcesAreCutWithALoggedCount()
    {
        var (ml, data) = CopyData();
        var options = Quick();
        options.SourceMaxLength = 4;
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) warnings.Add(e.Message); };
        using var model = Seq2SeqData.Fit(ml, data, options).LastTransformer;
        int longer = Seq2SeqData.Letters(64, seed: 3, reverse: false).Count(r => r.Source.Split(' ').Length > 4);
        Assert.True(longer > 0);
        Assert.Contains(warnings, w => w.Contains($"{longer} sources longer than 4 tokens were cut"));
    }

    [Fact]
    public void IdsOutsideTheSourceVocabularyAreNamedAtScoring()
    {
        var (ml, data) = CopyData();
        var chain = Seq2SeqData.Fit(ml, data, Quick());
        using var model = chain.LastTransformer;
        IDataView bad = ml.Data.LoadFromEnumerable(new[] { new IdRow { SourceTokens = [8, 9, 5000] } });
        var e = Assert.ThrowsAny<Exception>(() => model.Transform(bad).GetColumn<string>("Prediction").ToArray());
        Assert.Contains("token id 5000 is outside the vocabulary", e.Message);
    }

    [Fact]
    public void AnotherTokenizersColumnIsRejected()
    {
        var (ml, data) = CopyData();
        var chain = Seq2SeqData.Fit(ml, data, Quick());
        using var model = chain.LastTransformer;
        var otherTokenizer = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer with { Kind = TokenizerKind.Character })
            .Fit(ml.Data.LoadFromEnumerable(new[] { new Seq2SeqData.SourceOnly { Source = "the quick brown fox jumps over the lazy dog" } }));
        var e = Assert.ThrowsAny<Exception>(() => model.Transform(otherTokenizer.Transform(data)));
        Assert.Contains("does not match the one the model was trained with", e.Message);
    }

    [Fact]
    public void InvalidOptionsFailWhenTheEstimatorIsCreated()
    {
        var ml = new MLContext();
        var badBeam = Quick();
        badBeam.Decoding = new DecodingOptions { BeamSize = 0 };
        Assert.Contains("BeamSize", Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.SequenceToSequence("P", "S", "T", badBeam)).Message);
        var badTarget = Quick();
        badTarget.Target = new TokenizerOptions { Kind = TokenizerKind.Word, MaxLength = 0 };
        Assert.Contains("MaxLength", Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.SequenceToSequence("P", "S", "T", badTarget)).Message);
    }

    [Fact]
    public void SharedEmbeddingsNeedOneVocabulary()
    {
        var (ml, data) = CopyData();
        var options = Quick();
        options.ShareEmbeddings = true;
        options.Target = options.Target with { Kind = TokenizerKind.Character };   // letters and the space: one more token than the source's
        var e = Assert.ThrowsAny<Exception>(() => Seq2SeqData.Fit(ml, data, options));
        Assert.Contains("shared embeddings need one vocabulary", e.Message);
    }

    [Fact]
    public void SharedEmbeddingsTrainWithTheSourceTokenizer()
    {
        var (ml, data) = CopyData();
        TokenizerTransformer source = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer).Fit(data);
        var options = Quick();
        options.ShareEmbeddings = true;
        options.TargetTokenizer = source;
        using var model = ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", options).Fit(source.Transform(data));
        Assert.Equal(source.VocabularySize, model.TargetVocabularySize);
        Assert.Equal(64, model.Transform(source.Transform(data)).GetColumn<string>("Prediction").Count());
    }

    public sealed class NumericTarget
    {
        public string Source { get; set; } = "";

        public float Target { get; set; }
    }

    public sealed class IdRow
    {
        [VectorType]
        public int[] SourceTokens { get; set; } = [];
    }
}
