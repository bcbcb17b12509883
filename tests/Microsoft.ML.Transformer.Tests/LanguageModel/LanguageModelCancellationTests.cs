namespace Microsoft.ML.Transformer.Tests.LanguageModel;

/// <summary>Generate and Evaluate, which a user calls directly and which can run long, take a CancellationToken.</summary>
public class LanguageModelCancellationTests(RhymeModelFixture fixture) : IClassFixture<RhymeModelFixture>
{
    [Fact]
    public void GenerateAndEvaluateHonourTheToken()
    {
        var cancelled = new CancellationToken(canceled: true);
        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Model.Generate("the ", new GenerationOptions { MaxNewTokens = 50 }, cancelled));
        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Model.Generate("the ", 50, temperature: 0, cancellationToken: cancelled));
        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Model.Evaluate(fixture.Validation, cancellationToken: cancelled));

        Assert.NotEmpty(fixture.Model.Generate("the ", 5, temperature: 0, cancellationToken: CancellationToken.None));
        Assert.True(fixture.Model.Evaluate(fixture.Validation, cancellationToken: CancellationToken.None).Tokens > 0);
    }
}
