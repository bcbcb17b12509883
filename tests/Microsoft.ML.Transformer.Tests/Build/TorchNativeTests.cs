using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Build;

public class TorchNativeTests
{
    [Fact]
    public void TensorOperationRunsInTheTestProcess()
    {
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var product = a.matmul(a.t());
        Assert.Equal(new float[] { 5, 14, 14, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void OutputCopyOfLibTorchSharpIsPatchedWhenTheHostNeedsIt()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(library))
            Assert.Skip("Linux x64 build output only.");
        bool hostNeedsPatch = ElfVersionPatcher.WhyNoPatchIsNeeded(ElfVersionPatcher.DefaultVersionName) is null;
        bool weak = ElfVersionPatcher.IsVersionWeak(library, ElfVersionPatcher.DefaultVersionName);
        // On hosts with a new enough libstdc++ (Auto mode) the copy is left as shipped.
        Assert.Equal(hostNeedsPatch, weak);
    }
}
