namespace Microsoft.ML.Transformer.Tests.LanguageModel;

/// <summary>Bad input to the language model: clear errors naming the problem.</summary>
public class LanguageModelBadInputTests
{
    [Fact]
    public void MissingOrNonTextColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(20, seed: 1));
        var missing = ml.Transforms.Text.TrainLanguageModel("Body", LanguageModelData.Options(epochs: 1));
        Assert.Contains("Body", Assert.ThrowsAny<Exception>(() => missing.Fit(data)).Message);
        Assert.Contains("Body", Assert.ThrowsAny<Exception>(() => missing.GetOutputSchema(SchemaShape.Create(data.Schema))).Message);

        IDataView numbers = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var e = Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.TrainLanguageModel("Text", LanguageModelData.Options(epochs: 1)).Fit(numbers));
        Assert.Contains("String", e.Message);
    }

    [Fact]
    public void TextShorterThanOneWindowIsAnError()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new LanguageModelData.Document { Text = "too short" } });
        var e = Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.TrainLanguageModel("Text", LanguageModelData.Options(epochs: 1)).Fit(data));
        Assert.Contains("ContextLength (32)", e.Message);
    }

    [Fact]
    public void InvalidOptionsFailWhenTheEstimatorIsCreated()
    {
        var ml = new MLContext();
        var badContext = LanguageModelData.Options();
        badContext.ContextLength = 1;
        Assert.Contains("ContextLength", Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.TrainLanguageModel("Text", badContext)).Message);
        var badGeneration = LanguageModelData.Options();
        badGeneration.Generation = new GenerationOptions { TopP = 0 };
        Assert.Contains("TopP", Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.TrainLanguageModel("Text", badGeneration)).Message);
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(200, seed: 1));
        var options = LanguageModelData.Options(epochs: 50);
        options.OnProgress = _ => ml.CancelExecution();
        options.ProgressInterval = 1;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.Text.TrainLanguageModel("Text", options).Fit(data));
    }

    public sealed class NumberRow
    {
        public float Text { get; set; }
    }
}
