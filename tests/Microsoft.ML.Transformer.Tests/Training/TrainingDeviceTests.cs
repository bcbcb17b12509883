using Microsoft.ML.Transformer.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

public class TrainingDeviceTests
{
    private static readonly Func<int> NoCuda = () => 0;

    private static Func<int> CudaDevices(int count) => () => count;

    private static Action<string> Collect(List<string> warnings) => warnings.Add;

    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuFormsGiveTheCpuWithoutAskingAboutCuda(string? spec)
    {
        var warnings = new List<string>();
        Device device = TrainingDevice.Resolve(spec, allowCpuFallback: false, Collect(warnings),
            () => throw new InvalidOperationException("CUDA must not be probed for the CPU"));
        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("cuda", 0)]
    [InlineData(" CUDA ", 0)]
    [InlineData("cuda:0", 0)]
    [InlineData("Cuda:1", 1)]
    [InlineData("cuda:01", 1)]
    public void CudaFormsGiveTheIndexedDeviceWhenVisible(string spec, int index)
    {
        var warnings = new List<string>();
        Device device = TrainingDevice.Resolve(spec, allowCpuFallback: false, Collect(warnings), CudaDevices(2));
        Assert.Equal((DeviceType.CUDA, index), (device.type, device.index));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:3")]
    public void MissingCudaFallsBackToTheCpuWithAWarning(string spec)
    {
        var warnings = new List<string>();
        Device device = TrainingDevice.Resolve(spec, allowCpuFallback: true, Collect(warnings), NoCuda);
        Assert.Equal(DeviceType.CPU, device.type);
        string warning = Assert.Single(warnings);
        Assert.StartsWith("CUDA requested but not available (", warning);
        Assert.Contains($"Device '{spec}'", warning);
        Assert.EndsWith("; training on CPU.", warning);
    }

    [Fact]
    public void MissingCudaWithoutFallbackSaysWhatWasAskedAndHowToFixIt()
    {
        var warnings = new List<string>();
        var error = Assert.Throws<InvalidOperationException>(() => TrainingDevice.Resolve(" CUDA:0", false, Collect(warnings), NoCuda));
        Assert.Contains("Device 'cuda:0' was requested", error.Message);
        Assert.Contains("no CUDA device is visible", error.Message);
        Assert.Contains("-p:TorchBackend=cuda", error.Message);
        Assert.Contains("TorchSharp-cuda-linux", error.Message);
        Assert.Contains("Device = \"cpu\"", error.Message);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnIndexBeyondTheVisibleDevicesIsAnErrorEvenWithFallback(bool allowCpuFallback)
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingDevice.Resolve("cuda:2", allowCpuFallback, _ => { }, CudaDevices(2)));
        Assert.Contains("asks for CUDA device 2, but only 2 are visible (cuda:0 to cuda:1)", error.Message);
        Assert.Contains("only 1 is visible (cuda:0 to cuda:0)",
            Assert.Throws<ArgumentException>(() => TrainingDevice.Resolve("cuda:1", allowCpuFallback, _ => { }, CudaDevices(1))).Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:+1")]
    [InlineData("cuda: 1")]
    [InlineData("cuda:x")]
    [InlineData("cuda:99999999999")]
    [InlineData("cpu:0")]
    [InlineData("mps")]
    [InlineData("tpu")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void UnknownFormsNameTheValueAndTheAcceptedForms(string? spec)
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingDevice.Resolve(spec, true, _ => { }, CudaDevices(1)));
        Assert.Contains($"Device '{spec}' is not a device", error.Message);
        Assert.Contains("\"cpu\", \"cuda\" or \"cuda:N\"", error.Message);
        Assert.Equal("Device", error.ParamName);
    }

    [Fact]
    public void ThisMachineResolvesCudaToTheCpuWhenItHasNoGpu()
    {
        if (cuda.is_available()) Assert.Skip("A CUDA device is visible.");
        var warnings = new List<string>();
        Assert.Equal(DeviceType.CPU, TrainingDevice.Resolve("cuda", true, Collect(warnings)).type);
        Assert.Single(warnings);
        Assert.Throws<InvalidOperationException>(() => TrainingDevice.Resolve("cuda", false, _ => { }));
    }
}
