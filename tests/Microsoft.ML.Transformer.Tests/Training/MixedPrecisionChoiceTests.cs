using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Training;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>MixedPrecision: null picks bf16 where the device runs it faster (CUDA, CPUs with AMX-BF16); true and false force it.</summary>
public class MixedPrecisionChoiceTests
{
    private const string CpuInfoHead = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n";

    [Theory]
    [InlineData("flags\t\t: fpu sse2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n", true)]
    [InlineData("flags\t\t: fpu sse2 avx512f avx512_bf16 amx_bf16\n", true)]
    [InlineData("flags\t\t: fpu sse2 avx512f avx512_bf16 avx512_fp16\n", false)] // AVX-512 BF16 alone: no AMX
    [InlineData("flags\t\t: fpu amx_bf16x amx_tile\n", false)] // a whole flag, not a prefix
    [InlineData("vmx flags\t: amx_bf16\nflags\t\t: fpu sse2\n", false)] // the virtualization line is not the CPU's flags
    [InlineData("", false)]
    public void CpuInfoFlagsSayWhetherTheCpuHasAmxBFloat16(string flags, bool expected)
        => Assert.Equal(expected, CpuFeatures.CpuInfoListsAmxBFloat16(CpuInfoHead + flags));

    [Theory]
    [InlineData(DeviceType.CUDA, false, true)]
    [InlineData(DeviceType.CUDA, true, true)]
    [InlineData(DeviceType.CPU, true, true)]
    [InlineData(DeviceType.CPU, false, false)]
    [InlineData(DeviceType.META, true, false)]
    public void Bf16IsPreferredOnCudaAndOnAmxCpus(DeviceType type, bool cpuHasAmx, bool expected)
        => Assert.Equal(expected, TrainingDevice.PrefersBFloat16(type, cpuHasAmx));

    [Theory]
    [InlineData(true, "cpu", true)]
    [InlineData(false, "cuda", false)]
    [InlineData(null, "cuda", true)]
    [InlineData(null, " CUDA:1 ", true)]
    public void UsesMixedPrecisionFollowsTheOptionThenTheDevice(bool? mixedPrecision, string device, bool expected)
        => Assert.Equal(expected, new SequenceToSequenceOptions { MixedPrecision = mixedPrecision, Device = device }.UsesMixedPrecision);

    [Fact]
    public void UnsetOnTheCpuMeansBf16ExactlyWhenTheCpuHasAmx()
        => Assert.Equal(CpuFeatures.HasAmxBFloat16, new SequenceToSequenceOptions { MixedPrecision = null }.UsesMixedPrecision);

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
        else if (CpuFeatures.HasAmxBFloat16) Assert.Contains("bf16 mixed precision (MixedPrecision not set: this device runs bf16 faster)", announcement);
        else Assert.Contains("float32 (MixedPrecision not set: this CPU has no AMX-BF16", announcement);
    }
}
