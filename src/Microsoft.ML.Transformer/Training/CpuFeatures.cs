using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Whether this CPU multiplies bfloat16 matrices faster than float32 ones, which decides the default of
/// <see cref="TransformerTrainingOptions.MixedPrecision"/> on the CPU. libtorch's oneDNN runs bf16 matmuls on AMX tiles
/// (Xeon Scalable from the 4th generation); without AMX it falls back to AVX-512 BF16 or plain conversions, and the
/// casts around each matmul then cost more than they save: on a 2-core Xeon VM without AMX a bf16 training step was
/// 0.89× (classifier) and 0.71× (G2P seq2seq) as fast as float32, against 3–4× faster matmuls with AMX.
/// </summary>
internal static class CpuFeatures
{
    private static readonly Lazy<bool> s_amx = new(DetectAmxBFloat16);

    /// <summary>The CPU has AMX-BF16 and the operating system lets processes use it.</summary>
    public static bool HasAmxBFloat16 => s_amx.Value;

    /// <summary>Whether a /proc/cpuinfo text lists <c>amx_bf16</c> among a processor's flags.</summary>
    internal static bool CpuInfoListsAmxBFloat16(string cpuInfo)
    {
        foreach (string line in cpuInfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0 || line[..colon].Trim() != "flags") continue;
            return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("amx_bf16");
        }
        return false;
    }

    private static bool DetectAmxBFloat16()
    {
        // Linux lists a feature only when the kernel has enabled its register state, which AMX needs (and a hypervisor
        // that hides AMX hides it here too); elsewhere ask the CPU, whose bit says only that the hardware has it.
        const string cpuInfo = "/proc/cpuinfo";
        if (OperatingSystem.IsLinux() && File.Exists(cpuInfo))
        {
            try
            {
                return CpuInfoListsAmxBFloat16(File.ReadAllText(cpuInfo));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        if (!X86Base.IsSupported || X86Base.CpuId(0, 0).Eax < 7) return false;
        const int AmxBFloat16Bit = 22; // CPUID.(EAX=7,ECX=0):EDX[22]
        return (X86Base.CpuId(7, 0).Edx & (1 << AmxBFloat16Bit)) != 0;
    }
}
