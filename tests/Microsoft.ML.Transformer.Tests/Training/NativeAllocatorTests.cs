using Microsoft.ML.Transformer.Compute;
using System.Globalization;
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

    /// <summary>
    /// Runs <see cref="ReportWhatReleasingFreedMemoryGivesBack"/> in a new tuned process: holes freed inside the heap stay
    /// resident under the tuning until <see cref="NativeAllocator.ReleaseFreedMemory"/> gives them back.
    /// </summary>
    [Fact]
    public void ReleasingFreedMemoryGivesHolesInsideTheHeapBackToTheOS()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("glibc malloc tuning is Linux only");
        string output = RunChild(optOut: false, nameof(ReportWhatReleasingFreedMemoryGivesBack));
        int at = output.IndexOf("RESIDENT-MIB:", StringComparison.Ordinal);
        Assert.True(at >= 0, output);
        double[] resident = [.. output[(at + "RESIDENT-MIB:".Length)..].Split('\n')[0].Trim().Split('/').Select(f => double.Parse(f, CultureInfo.InvariantCulture))];
        double keptAfterFree = resident[1] - (resident[0] - HolesMiB), released = resident[1] - resident[2];
        Assert.True(keptAfterFree > HolesMiB - 16, $"the tuning keeps freed holes resident; resident before / after free / after release: {string.Join(" / ", resident)} MiB");
        Assert.True(released > HolesMiB - 16, $"releasing should give back the {HolesMiB} MiB of holes; resident before / after free / after release: {string.Join(" / ", resident)} MiB");
    }

    private const int HolesMiB = 96;

    [Fact]
    public void ReportWhatReleasingFreedMemoryGivesBack()
    {
        if (System.Environment.GetEnvironmentVariable(ChildVariable) != "1")
            Assert.Skip($"runs in the child process of {nameof(ReleasingFreedMemoryGivesHolesInsideTheHeapBackToTheOS)}");
        NativeAllocator.Tune();
        // 2 × HolesMiB blocks of 1 MiB, written so that they are resident; every other one freed: holes between blocks in use
        const int size = 1 << 20;
        var ones = new byte[size];
        Array.Fill(ones, (byte)1);
        var blocks = new IntPtr[2 * HolesMiB];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(size);   // malloc on Unix
            Marshal.Copy(ones, 0, blocks[i], size);
        }
        double before = System.Environment.WorkingSet / 1048576.0;
        for (int i = 0; i < blocks.Length; i += 2) Marshal.FreeHGlobal(blocks[i]);
        double afterFree = System.Environment.WorkingSet / 1048576.0;
        NativeAllocator.ReleaseFreedMemory();
        double afterRelease = System.Environment.WorkingSet / 1048576.0;
        for (int i = 1; i < blocks.Length; i += 2) Marshal.FreeHGlobal(blocks[i]);
        Console.WriteLine(FormattableString.Invariant($"RESIDENT-MIB:{before:F1}/{afterFree:F1}/{afterRelease:F1}"));
    }

    private static string RunChild(bool optOut)
    {
        string output = RunChild(optOut, nameof(ReportWhereAFreshBlockComesFrom));
        int at = output.IndexOf("BLOCK-FROM:", StringComparison.Ordinal);
        Assert.True(at >= 0, output);
        return output.Substring(at + "BLOCK-FROM:".Length, 4);
    }

    /// <summary>Runs the test method <paramref name="method"/> of this class in a new process (the tuning applies once per process); returns its output.</summary>
    private static string RunChild(bool optOut, string method)
    {
        string testAssembly = typeof(NativeAllocatorTests).Assembly.Location;
        var environment = new Dictionary<string, string> { [ChildVariable] = "1", [NativeAllocator.OptOutVariable] = optOut ? "0" : "1" };
        var (exit, output) = ProcessRunner.Run(TestPaths.DotnetHost,
            [testAssembly, "-method", $"{typeof(NativeAllocatorTests).FullName}.{method}", "-showLiveOutput"],
            timeoutSeconds: 120, environment: environment);
        Assert.True(exit == 0, output);
        return output;
    }
}
