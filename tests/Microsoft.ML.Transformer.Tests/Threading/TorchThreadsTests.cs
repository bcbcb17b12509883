using Microsoft.ML.Transformer.Compute;
using Microsoft.ML.Transformer.Tests.Classification;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Threading;

/// <summary>The Threads settings: libtorch's thread count for a Fit or a scoring call, on the calling thread only, and
/// restored afterwards.</summary>
public class TorchThreadsTests
{
    /// <summary>A count other than the calling thread's, so that setting it is visible.</summary>
    private static int OtherThan(int threads) => threads == 1 ? 2 : 1;

    [Fact]
    public void ScopeSetsTheCallingThreadOnlyAndRestoresIt()
    {
        int before = torch.get_num_threads();
        int freshBefore = FreshThread.Run(torch.get_num_threads);
        int wanted = OtherThan(before);
        int inside, freshInside;
        using (TorchThreads.During(wanted))
        {
            inside = torch.get_num_threads();
            freshInside = FreshThread.Run(torch.get_num_threads);
        }
        Assert.Equal(wanted, inside);
        Assert.Equal(freshBefore, freshInside);   // no leak into threads of other components
        Assert.Equal(before, torch.get_num_threads());
        Assert.Equal(freshBefore, FreshThread.Run(torch.get_num_threads));
    }

    [Fact]
    public void NullLeavesTheCountAlone()
    {
        int before = torch.get_num_threads();
        using (TorchThreads.During(null)) Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void FitTrainsWithTheThreadsOptionAndRestoresTheCount()
    {
        var ml = new MLContext(seed: 1);
        int before = torch.get_num_threads();
        var options = ClassifierData.Options(epochs: 1);
        options.Threads = OtherThan(before);
        options.ProgressInterval = 1;
        var seen = new HashSet<int>();
        options.OnProgress = _ => seen.Add(torch.get_num_threads());
        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 64));

        Assert.Equal([options.Threads.Value], seen);
        Assert.Equal(before, torch.get_num_threads());
        Assert.Equal(options.Threads, model.ScoringThreads);
    }

    [Fact]
    public void InvalidThreadsFailWhenTheTrainerIsCreated()
    {
        var options = ClassifierData.Options();
        options.Threads = 0;
        Assert.Contains("Threads", Assert.ThrowsAny<ArgumentException>(() => new MLContext().BinaryClassification.Trainers.Transformer(options)).Message);
        using var model = new MLContext().BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1))
            .Fit(ClassifierData.Binary(new MLContext(), 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ScoringThreads = -1);
    }

    [Fact]
    public void LoadedModelTakesScoringThreadsAndScoresTheSame()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ClassifierData.Binary(ml, 64);
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("model.zip");
        using (TransformerClassifierTransformer trained = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1)).Fit(data))
            ml.Model.Save(new TransformerChain<ITransformer>(trained), data.Schema, path);   // a pipeline, as users save

        ITransformer loaded = ml.Model.Load(path, out _);
        float[] defaultScores = ClassifierData.Floats(loaded.Transform(data));
        Assert.Equal(1, loaded.SetScoringThreads(1));
        Assert.Equal(1, loaded.SetScoringThreads(1));
        var classifier = Assert.IsType<TransformerClassifierTransformer>(Assert.Single((IEnumerable<ITransformer>)loaded));
        Assert.Equal(1, classifier.ScoringThreads);

        int before = torch.get_num_threads();
        Assert.Equal(defaultScores, ClassifierData.Floats(loaded.Transform(data)));
        var engine = ml.Model.CreatePredictionEngine<ClassifierData.BinaryRow, ScoreRow>(loaded);
        Assert.True(float.IsFinite(engine.Predict(ClassifierData.TokenSevenOccurs(1, seed: 3)[0]).Score));
        Assert.Equal(before, torch.get_num_threads());
        classifier.Dispose();
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
