using Microsoft.ML.Transformer.Compute;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Tests.Training;

public class NativeAllocatorTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
        => name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void TunesWhenNothingInTheEnvironmentSaysOtherwise()
    {
        Assert.Null(NativeAllocator.ReasonToLeaveAlone(Environment()));
        Assert.Null(NativeAllocator.ReasonToLeaveAlone(Environment(("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F"))));
        Assert.Null(NativeAllocator.ReasonToLeaveAlone(Environment((NativeAllocator.OptOutVariable, "1"))));
    }

    [Theory]
    [InlineData(NativeAllocator.OptOutVariable, "0")]
    [InlineData(NativeAllocator.OptOutVariable, " OFF ")]
    [InlineData(NativeAllocator.OptOutVariable, "false")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "1000000")]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "1000000")]
    public void LeavesMallocAloneWhenTheUserOptsOutOrTunesItThemselves(string name, string value)
    {
        string? reason = NativeAllocator.ReasonToLeaveAlone(Environment((name, value)));
        Assert.NotNull(reason);
        Assert.Contains(name, reason, StringComparison.Ordinal);
    }

    private const string ChildVariable = "MLT_ALLOCATOR_TEST_CHILD";

    /// <summary>
    /// Runs <see cref="ReportWhereAFreshBlockComesFrom"/> in new processes, once tuned and once opted out: only in a process
    /// where no big block has been freed yet is glibc's dynamic mmap threshold still at its 128 KB start, so that a 20 MB
    /// block shows which settings are in force.
    /// </summary>
    [Fact]
    public void AfterTuningA20MBBlockComesFromTheHeapInsteadOfItsOwnMapping()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("glibc malloc tuning is Linux only");
        Assert.Equal("heap", RunChild(optOut: false));
        Assert.Equal("mmap", RunChild(optOut: true));   // the control: untuned, the same block is mapped on its own
    }

    [Fact]
    public void ReportWhereAFreshBlockComesFrom()
    {
        if (System.Environment.GetEnvironmentVariable(ChildVariable) != "1")
            Assert.Skip($"runs in the child process of {nameof(AfterTuningA20MBBlockComesFromTheHeapInsteadOfItsOwnMapping)}");
        NativeAllocator.Tune();
        // glibc's chunk header, one size_t before the pointer, has bit 1 (IS_MMAPPED) set on blocks mapped on their own
        IntPtr block = Marshal.AllocHGlobal(20 << 20);   // malloc on Unix
        long header = Marshal.ReadIntPtr(block, -IntPtr.Size);
        Marshal.FreeHGlobal(block);
        Console.WriteLine($"BLOCK-FROM:{((header & 2) != 0 ? "mmap" : "heap")}");
    }

    private static string RunChild(bool optOut)
    {
        string testAssembly = typeof(NativeAllocatorTests).Assembly.Location;
        var environment = new Dictionary<string, string> { [ChildVariable] = "1", [NativeAllocator.OptOutVariable] = optOut ? "0" : "1" };
        var (exit, output) = ProcessRunner.Run(TestPaths.DotnetHost,
            [testAssembly, "-method", $"{typeof(NativeAllocatorTests).FullName}.{nameof(ReportWhereAFreshBlockComesFrom)}", "-showLiveOutput"],
            timeoutSeconds: 120, environment: environment);
        Assert.True(exit == 0, output);
        int at = output.IndexOf("BLOCK-FROM:", StringComparison.Ordinal);
        Assert.True(at >= 0, output);
        return output.Substring(at + "BLOCK-FROM:".Length, 4);
    }
}
