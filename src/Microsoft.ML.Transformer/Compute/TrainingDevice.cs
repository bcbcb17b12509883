using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>Turns the user's Device option ("cpu", "cuda", "cuda:N") into a TorchSharp device.</summary>
internal static class TrainingDevice
{
    private const string AcceptedForms = "\"cpu\", \"cuda\" or \"cuda:N\" (N a 0-based CUDA device index)";

    /// <summary>
    /// Parses <paramref name="spec"/> (see <see cref="Parse"/>).
    /// When CUDA is asked for but not available it warns and returns the CPU if <paramref name="allowCpuFallback"/>,
    /// else throws <see cref="InvalidOperationException"/> saying how to get a CUDA build. An index beyond the visible
    /// devices and an unknown form throw <see cref="ArgumentException"/>.
    /// </summary>
    public static Device Resolve(string? spec, bool allowCpuFallback, Action<string> warn)
        => Resolve(spec, allowCpuFallback, warn, () => cuda.is_available() ? cuda.device_count() : 0);

    /// <summary>The logic of <see cref="Resolve(string?, bool, Action{string})"/> with the CUDA device count injected,
    /// so that the CUDA branches can be tested on machines without a GPU. It is asked only when CUDA is requested, so
    /// "cpu" never touches the CUDA backend.</summary>
    internal static Device Resolve(string? spec, bool allowCpuFallback, Action<string> warn, Func<int> cudaDeviceCount)
    {
        ArgumentNullException.ThrowIfNull(warn);
        if (Parse(spec) is not { } index) return CPU;
        string normalized = Normalize(spec);

        int count = cudaDeviceCount();
        if (count <= 0)
        {
            if (!allowCpuFallback)
                throw new InvalidOperationException(
                    $"Device '{normalized}' was requested, but no CUDA device is visible (torch.cuda.is_available() is false). " +
                    "To train on an NVIDIA GPU, run on a machine with an NVIDIA driver and use TorchSharp's CUDA backend: " +
                    "reference TorchSharp-cuda-linux (in this repository, build with -p:TorchBackend=cuda). " +
                    "Or set Device = \"cpu\" to train on the CPU.");
            warn($"CUDA requested but not available (Device '{normalized}', torch.cuda.is_available() is false); training on CPU.");
            return CPU;
        }

        if (index >= count)
            throw new ArgumentException(
                $"Invalid training options: Device '{normalized}' asks for CUDA device {index}, but only {count} " +
                $"{(count == 1 ? "is" : "are")} visible (cuda:0 to cuda:{count - 1}).", "Device");
        return new Device(DeviceType.CUDA, index);
    }

    /// <summary>
    /// The CUDA index <paramref name="spec"/> asks for, or null for the CPU. Case-insensitive and trimmed: "cpu", "cuda"
    /// (cuda:0) or "cuda:N". Anything else, an empty value included, throws <see cref="ArgumentException"/> naming the
    /// accepted forms, so that a typo fails when the options are checked instead of training somewhere unexpected.
    /// Whether device N exists is known only when training starts (<see cref="Resolve(string?, bool, Action{string})"/>).
    /// </summary>
    public static int? Parse(string? spec)
    {
        string normalized = Normalize(spec);
        if (normalized == "cpu") return null;
        return ParseCudaIndex(normalized) ?? throw new ArgumentException($"Device '{spec}' is not a device; use {AcceptedForms}.", "Device");
    }

    /// <summary>The type of device <paramref name="spec"/> asks for (CUDA for "cuda" and "cuda:N", else the CPU), without
    /// checking that it exists or rejecting a malformed value (<see cref="Resolve(string?, bool, Action{string})"/> does).</summary>
    public static DeviceType RequestedType(string? spec)
        => ParseCudaIndex(Normalize(spec)) is null ? DeviceType.CPU : DeviceType.CUDA;

    /// <summary>The option as compared: trimmed, lower case, null as empty.</summary>
    private static string Normalize(string? spec) => (spec ?? "").Trim().ToLowerInvariant();

    /// <summary>The index of "cuda" (0) or "cuda:N", or null for anything else.</summary>
    private static int? ParseCudaIndex(string normalized)
    {
        if (normalized == "cuda") return 0;
        if (!normalized.StartsWith("cuda:", StringComparison.Ordinal)) return null;
        var digits = normalized.AsSpan("cuda:".Length);
        // digits only: int.TryParse alone would accept "+1", " 1" or "-0"
        if (digits.IsEmpty || digits.IndexOfAnyExceptInRange('0', '9') >= 0) return null;
        return int.TryParse(digits, out int index) ? index : null;
    }
}
