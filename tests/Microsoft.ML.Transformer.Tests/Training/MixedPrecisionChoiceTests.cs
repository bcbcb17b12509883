using Microsoft.ML.Transformer.Compute;
using Microsoft.ML.Transformer.Tests.Classification;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>MixedPrecision: null picks bf16 where the device runs it faster (CUDA; CPUs where a short measurement finds it
/// clearly faster); true and false force it.</summary>
public class MixedPrecisionChoiceTests
{
    [Theory]
    [InlineData(2.0, 1.0, true)]    // bf16 twice as fast
    [InlineData(1.25, 1.0, true)]   // just the required lead
    [InlineData(1.2, 1.0, false)]   // faster, but not enough to speed up a whole step
    [InlineData(1.0, 1.12, false)]  // slower
    public void OnTheCpuBf16IsChosenWhenItsMeasuredLeadIsLargeEnough(double float32Seconds, double bfloat16Seconds, bool expected)
        => Assert.Equal(expected, PrecisionProbe.Decide(float32Seconds, bfloat16Seconds, "shape").BFloat16);

    [Theory]
    [InlineData(DeviceType.CUDA, true)]
    [InlineData(DeviceType.META, false)]
    public void CudaTakesBf16AndOtherDevicesFloat32WithoutMeasuring(DeviceType type, bool expected)
        => Assert.Equal(expected, PrecisionProbe.Choose(type, 64, 128).BFloat16);

    [Theory]
    [InlineData(true, "cpu", true)]
    [InlineData(false, "cuda", false)]
    [InlineData(null, "cuda", true)]
    [InlineData(null, " CUDA:1 ", true)]
    public void UsesMixedPrecisionFollowsTheOptionThenTheDevice(bool? mixedPrecision, string device, bool expected)
        => Assert.Equal(expected, new SequenceToSequenceOptions { MixedPrecision = mixedPrecision, Device = device }.UsesMixedPrecision);

    [Fact]
    public void UnsetOnTheCpuIsTheMeasuredChoiceForTheModelWidth()
        => Assert.Equal(PrecisionProbe.Choose(DeviceType.CPU, 256, 1024).BFloat16,
            new SequenceToSequenceOptions { MixedPrecision = null, Shape = { ModelDimension = 256 } }.UsesMixedPrecision);

    [Fact]
    public void TheCpuIsMeasuredOncePerModelWidth()
        => Assert.Same(PrecisionProbe.Choose(DeviceType.CPU, 64, 128), PrecisionProbe.Choose(DeviceType.CPU, 64, 128));

    [Fact]
    public void TheDefaultIsUnset() => Assert.Null(new TransformerClassifierOptions().MixedPrecision);

    /// <summary>The trainer trains in the precision the option asks for, and says so (with why when it chose).</summary>
    [Theory]
    [InlineData(true, "bf16 mixed precision")]
    [InlineData(false, "float32")]
    [InlineData(null, null)]
    public void TheTrainerLogsThePrecisionItTrainsIn(bool? mixedPrecision, string? expected)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => log.Add(e.Message);
        TransformerClassifierOptions options = ClassifierData.Options(epochs: 1);
        options.MixedPrecision = mixedPrecision;

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 32));

        string announcement = Assert.Single(log, m => m.Contains("Training for 1 epochs"));
        if (expected is not null)
        {
            Assert.Contains($" × 1), {expected}", announcement);
            Assert.DoesNotContain("MixedPrecision not set", announcement);
        }
        else Assert.Contains($" × 1), {(options.UsesMixedPrecision ? "bf16 mixed precision" : "float32")} (MixedPrecision not set: measured on this CPU", announcement);
    }
}
