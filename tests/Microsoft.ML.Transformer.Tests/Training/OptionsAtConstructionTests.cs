namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Bad options fail when the estimator is created, before any row is read, naming the setting at fault (issue 17,
/// item 3): every trainer, the text classifier and the embedding.</summary>
public class OptionsAtConstructionTests
{
    /// <summary>Creates one kind of estimator with the training options changed by the test; nothing is fitted.</summary>
    public static TheoryData<string> Estimators => ["binary", "multiclass", "binary-on-text", "seq2seq", "language-model"];

    private static void Create(string estimator, Action<TransformerTrainingOptions> change)
    {
        var ml = new MLContext(seed: 1);
        switch (estimator)
        {
            case "binary": ml.BinaryClassification.Trainers.Transformer(Changed(new TransformerClassifierOptions(), change)); break;
            case "multiclass": ml.MulticlassClassification.Trainers.Transformer(Changed(new TransformerClassifierOptions(), change)); break;
            case "binary-on-text": ml.BinaryClassification.Trainers.TransformerOnText("Text", options: Changed(new TransformerClassifierOptions(), change)); break;
            case "seq2seq": ml.Transforms.Text.SequenceToSequence("Output", "Source", "Target", Changed(new SequenceToSequenceOptions(), change)); break;
            case "language-model": ml.Transforms.Text.TrainLanguageModel("Text", Changed(new LanguageModelOptions(), change)); break;
            default: throw new ArgumentOutOfRangeException(nameof(estimator));
        }
    }

    private static T Changed<T>(T options, Action<TransformerTrainingOptions> change) where T : TransformerTrainingOptions
    {
        change(options);
        return options;
    }

    private static string CreationError(string estimator, Action<TransformerTrainingOptions> change)
        => Assert.ThrowsAny<Exception>(() => Create(estimator, change)).Message;

    [Theory]
    [MemberData(nameof(Estimators))]
    public void HeadsThatDoNotDivideTheModelDimensionFailAtCreation(string estimator)
        => Assert.Contains("d_model (128) must be divisible by the number of heads (3)",
            CreationError(estimator, o => o.Shape = o.Shape with { ModelDimension = 128, Heads = 3 }));

    [Theory]
    [MemberData(nameof(Estimators))]
    public void ZeroHeadsFailAtCreation(string estimator)
        => Assert.Contains("Heads must be positive, got 0", CreationError(estimator, o => o.Shape.Heads = 0));

    [Theory]
    [MemberData(nameof(Estimators))]
    public void ZeroModelDimensionFailsAtCreation(string estimator)
        => Assert.Contains("ModelDimension must be positive, got 0", CreationError(estimator, o => o.Shape.ModelDimension = 0));

    [Theory]
    [MemberData(nameof(Estimators))]
    public void DropoutAboveOneFailsAtCreation(string estimator)
        => Assert.Contains("Dropout must be in [0, 1), got 1.5", CreationError(estimator, o => o.Shape.Dropout = 1.5));

    public static TheoryData<string, string?> NotDevices => new()
    {
        { "binary", "tpu" }, { "binary", "mps" }, { "binary", "cuda:-1" }, { "binary", "" }, { "binary", "  " }, { "binary", null },
        { "binary", "cuda:" }, { "binary", "gpu" },
        { "multiclass", "tpu" }, { "binary-on-text", "mps" }, { "seq2seq", "cuda:-1" }, { "language-model", "" },
    };

    [Theory]
    [MemberData(nameof(NotDevices))]
    public void AStringThatIsNoDeviceFailsAtCreationSayingWhatIsAccepted(string estimator, string? device)
    {
        string message = CreationError(estimator, o => o.Device = device!);
        Assert.Contains($"Device '{device}' is not a device", message);
        Assert.Contains("use \"cpu\", \"cuda\" or \"cuda:N\"", message);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    [InlineData("cuda")]
    [InlineData("cuda:7")]   // whether device 7 exists is known only when training starts
    public void DeviceFormsAreAcceptedAtCreation(string device)
    {
        foreach (string estimator in new[] { "binary", "seq2seq", "language-model" }) Create(estimator, o => o.Device = device);
    }

    [Theory]
    [InlineData(0, "ModelDimension must be positive, got 0")]
    [InlineData(7, "d_model must be even, got 7")]
    public void AnEmbeddingOfAnImpossibleWidthFailsAtCreation(int modelDimension, string expected)
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<Exception>(() =>
            ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens", new EmbeddingOptions { ModelDimension = modelDimension }));
        Assert.Contains(expected, error.Message);
    }
}
