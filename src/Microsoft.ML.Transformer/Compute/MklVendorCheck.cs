using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// Lets MKL, which computes libtorch's float32 matrix products on x86, take its AVX-512 kernels on CPUs not made by
/// Intel. MKL chooses its code path by CPU vendor, not by instruction set: on an AMD EPYC (Zen 5, AVX-512) its sgemm
/// ran at 90 GFLOP/s on one core, its generic path, against 190 GFLOP/s with the Intel path; scoring the imported MiniLM
/// encoder went from 0.54× ONNX Runtime's rate (whose kernels go by instruction set) to 1.09× (the <c>encoder-check</c>
/// benchmark, one thread each). The vendor check, <c>mkl_serv_intel_cpu_true</c>, caches its answer in a
/// static int that it reads first (−1 until asked); storing 1 there makes MKL dispatch as on an Intel CPU, where it
/// still picks among its kernels by the features cpuid reports. Results stay float32 products (only the order of the
/// additions changes). MKL makes its choice at its first product and keeps it, so this must run before the process's
/// first matrix product: the library does it where it starts computing (<see cref="ComputeScope"/>,
/// <see cref="PrecisionProbe"/>). It writes only where the function begins with the expected load of that int
/// (the libtorch 2.10 build of MKL 2024.0); elsewhere, or with <c>MLTRANSFORMER_MKL_VENDOR_CHECK=0</c>, nothing changes.
/// </summary>
internal static class MklVendorCheck
{
    public const string OptOutVariable = "MLTRANSFORMER_MKL_VENDOR_CHECK";

    // mov eax, [rip + disp32]; test eax, eax; js +1; ret — the cached answer, returned when it is not negative
    private static readonly byte?[] Prologue = [0x8B, 0x05, null, null, null, null, 0x85, 0xC0, 0x78, 0x01, 0xC3];
    private const int DisplacementOffset = 2, LoadLength = 6;

    private static readonly Lazy<bool> s_bypassed = new(Bypass);

    /// <summary>Makes MKL treat this CPU as an Intel one, once per process; true when its cached answer is 1 (also on
    /// Intel CPUs, and where MKL already asked on one).</summary>
    public static bool Apply() => s_bypassed.Value;

    private static bool Bypass()
    {
        if (OptOut.Says(OptOutVariable, Environment.GetEnvironmentVariable)
            || RuntimeInformation.ProcessArchitecture != Architecture.X64
            || LibTorchLibrary.Export("mkl_serv_intel_cpu_true") is not { } function) return false;
        for (int i = 0; i < Prologue.Length; i++)
            if (Prologue[i] is { } expected && Marshal.ReadByte(function, i) != expected) return false;
        IntPtr cached = function + LoadLength + Marshal.ReadInt32(function, DisplacementOffset);
        // not yet asked; once MKL has answered, its kernels are chosen and a late change would only disagree with them
        if (Marshal.ReadInt32(cached) < 0) Marshal.WriteInt32(cached, 1);
        return Marshal.ReadInt32(cached) == 1;
    }
}
