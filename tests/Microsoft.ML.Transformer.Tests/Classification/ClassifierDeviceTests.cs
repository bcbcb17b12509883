using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Device "cuda" on a machine without CUDA: an error without fallback, CPU training with a logged warning with it.</summary>
public class ClassifierDeviceTests
{
    [Fact]
    public void CudaWithoutFallbackFails()
    {
        Assert.SkipWhen(torch.cuda.is_available(), "CUDA is available here");
        var ml = new MLContext(seed: 1);
        var options = ClassifierData.Options(epochs: 1);
        (options.Device, options.AllowCpuFallback) = ("cuda", false);
        var error = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 16)));
        Assert.Contains("Device 'cuda' was requested, but no CUDA device is visible", error.Message);
    }

    [Fact]
    public void CudaWithFallbackTrainsOnTheCpuAndLogsAWarning()
    {
        Assert.SkipWhen(torch.cuda.is_available(), "CUDA is available here");
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var options = ClassifierData.Options(epochs: 1);
        options.Device = "cuda";

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 32));

        Assert.Single(model.TrainingHistory);
        Assert.Contains(warnings, w => w.Contains("CUDA requested but not available (Device 'cuda'") && w.Contains("training on CPU"));
    }
}
