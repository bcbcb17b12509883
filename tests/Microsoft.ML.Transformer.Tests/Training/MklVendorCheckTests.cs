using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Compute;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>MKL's vendor check answers "Intel" after <see cref="MklVendorCheck.Apply"/> in a fresh process (MKL keeps
/// the answer of its first product, so only a process that has computed nothing shows it), float32 products stay
/// float32-exact, and the opt-out variable leaves MKL alone.</summary>
public class MklVendorCheckTests
{
    private const string ChildVariable = "MLT_MKL_VENDOR_TEST_CHILD";

    private delegate int IntelCpuTrue();

    [Fact]
    public void AfterApplyMklTakesItsIntelPathAndProductsStayExact()
    {
        if (RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64 || LibTorchLibrary.Export("mkl_serv_intel_cpu_true") is null)
            Assert.Skip("libtorch links no MKL with this vendor check here");
        Assert.Equal("applied:True intel:1 exact:True", RunChild(optOut: false));
        Assert.StartsWith("applied:False", RunChild(optOut: true), StringComparison.Ordinal);
    }

    [Fact]
    public void ReportMklsAnswer()
    {
        if (System.Environment.GetEnvironmentVariable(ChildVariable) != "1")
            Assert.Skip($"runs in the child process of {nameof(AfterApplyMklTakesItsIntelPathAndProductsStayExact)}");
        bool applied = MklVendorCheck.Apply();
        int intel = Marshal.GetDelegateForFunctionPointer<IntelCpuTrue>(LibTorchLibrary.Export("mkl_serv_intel_cpu_true")!.Value)();
        using var scope = NewDisposeScope();
        var generator = new Generator(1);
        Tensor a = randn([300, 384], generator: generator), b = randn([384, 1536], generator: generator);
        double error = (a.matmul(b).to(ScalarType.Float64) - a.to(ScalarType.Float64).matmul(b.to(ScalarType.Float64))).abs().max().item<double>();
        Console.WriteLine($"MKL-REPORT:applied:{applied} intel:{intel} exact:{error < 1e-4}:END");
    }

    private static string RunChild(bool optOut)
    {
        var environment = new Dictionary<string, string> { [ChildVariable] = "1", [MklVendorCheck.OptOutVariable] = optOut ? "0" : "1" };
        var (exit, output) = ProcessRunner.Run(TestPaths.DotnetHost,
            [typeof(MklVendorCheckTests).Assembly.Location, "-method", $"{typeof(MklVendorCheckTests).FullName}.{nameof(ReportMklsAnswer)}", "-showLiveOutput"],
            timeoutSeconds: 120, environment: environment);
        Assert.True(exit == 0, output);
        int at = output.IndexOf("MKL-REPORT:", StringComparison.Ordinal), end = output.IndexOf(":END", StringComparison.Ordinal);
        Assert.True(at >= 0 && end > at, output);
        return output[(at + "MKL-REPORT:".Length)..end];
    }
}
