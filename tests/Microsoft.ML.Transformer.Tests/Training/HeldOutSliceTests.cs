using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>The slice a trainer keeps back when Epochs is unset and no ValidationSet is given.</summary>
public class HeldOutSliceTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static IHostEnvironment Env => Ml;

    [Fact]
    public void AboutATenthIsKeptBackDeterministically()
    {
        IDataView data = ClassifierData.Binary(Ml, 2000);
        HeldOutSlice slice = HeldOutSlice.Take(Env, data, 2000, new TransformerClassifierOptions(), seed: 5)!;
        Assert.Equal(2000, slice.TrainRows + slice.ValidationRows);
        Assert.InRange(slice.ValidationRows, 150, 250);
        Assert.Equal(slice.ValidationRows, HeldOutSlice.Take(Env, data, 2000, new TransformerClassifierOptions(), seed: 5)!.ValidationRows);
    }

    [Fact]
    public void AtMostFiveThousandRowsAreKeptBack()
    {
        // the fraction shrinks so that 100,000 rows keep back about 5,000; only the fraction is asked for, not the rows
        IDataView data = ClassifierData.Binary(Ml, 20_000);
        HeldOutSlice slice = HeldOutSlice.Take(Env, data, 100_000, new TransformerClassifierOptions(), seed: 5)!;
        Assert.InRange(slice.ValidationRows, 800, 1_200);   // 5% of the 20,000 rows there are
    }

    [Fact]
    public void NoSliceWhenTheUserDecides()
    {
        IDataView data = ClassifierData.Binary(Ml, 2000);
        Assert.Null(HeldOutSlice.Take(Env, data, 2000, new TransformerClassifierOptions { Epochs = 3 }, seed: 5));
        Assert.Null(HeldOutSlice.Take(Env, data, 2000, new TransformerClassifierOptions { ValidationSet = data }, seed: 5));
        Assert.Null(HeldOutSlice.Take(Env, data, 999, new TransformerClassifierOptions(), seed: 5));
    }

    [Fact]
    public void TheRunValidatesOnTheSliceWithEarlyStoppingAndKeepBest()
    {
        IDataView data = ClassifierData.Binary(Ml, 2000);
        var options = new TransformerClassifierOptions { KeepBestModel = false };
        HeldOutSlice slice = HeldOutSlice.Take(Env, data, 2000, options, seed: 5)!;
        TransformerTrainingOptions run = slice.Apply(options);
        Assert.Same(slice.Validation, run.ValidationSet);
        Assert.Equal((HeldOutSlice.Patience, true), (run.EarlyStoppingPatience, run.KeepBestModel));
        Assert.Null(options.ValidationSet);   // the user's options are not changed
    }
}
