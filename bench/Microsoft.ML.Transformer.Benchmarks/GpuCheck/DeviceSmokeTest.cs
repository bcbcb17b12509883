using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// gpu-check's first phase: is the device there, and does a tensor op run on it with the CPU's result? CUDA's device
/// count and cuDNN, the native libraries the process loaded (from /proc/self/maps: which libtorch and LibTorchSharp
/// actually run), a float32 matrix product made on the CPU, computed on the device with TF32 off and compared with the
/// CPU's, and a bf16 product on the device.
/// </summary>
internal static class DeviceSmokeTest
{
    /// <summary>Relative tolerance of the float32 product (a sum of 512 products: rounding differs by summation order).</summary>
    public const double Tolerance = 1e-4;

    private static readonly string[] NativeNames = ["libLibTorchSharp", "libtorch", "libc10", "libcudart", "libcublas", "libcudnn"];

    public static Dictionary<string, object?> Run(Device device, List<string> failures)
    {
        bool cuda = device.type == TorchSharp.DeviceType.CUDA;
        var json = new Dictionary<string, object?>
        {
            ["requested"] = device.ToString(),
            ["cuda_available"] = cuda ? TorchSharp.torch.cuda.is_available() : null,
            ["cuda_device_count"] = cuda ? TorchSharp.torch.cuda.device_count() : null,
            ["cudnn_available"] = cuda ? TorchSharp.torch.cuda.is_cudnn_available() : null,
        };
        if (cuda) backends.cuda.matmul.allow_tf32 = false;

        using (NewDisposeScope())
        {
            using var generator = new TorchSharp.torch.Generator(1);
            Tensor a = randn([512, 512], generator: generator);
            Tensor onCpu = a.mm(a);
            Tensor onDevice = a.to(device).mm(a.to(device));
            double scale = onCpu.abs().max().item<float>();
            double difference = (onDevice.cpu() - onCpu).abs().max().item<float>() / scale;
            Tensor bf16 = a.to(device).to(ScalarType.BFloat16).mm(a.to(device).to(ScalarType.BFloat16));
            double bf16Difference = (bf16.to(ScalarType.Float32).cpu() - onCpu).abs().max().item<float>() / scale;
            json["result_device"] = onDevice.device.ToString();
            json["matmul_fp32_max_rel_diff_vs_cpu"] = difference;
            json["matmul_bf16_max_rel_diff_vs_cpu"] = bf16Difference;
            Console.WriteLine($"smoke: {json["requested"]}, CUDA available {json["cuda_available"]}, devices {json["cuda_device_count"]}, " +
                $"cuDNN {json["cudnn_available"]}; 512x512 float32 product on {onDevice.device}: max relative |diff| vs CPU {difference:E2} " +
                $"(tolerance {Tolerance:E0}); bf16 {bf16Difference:E2}");
            if (onDevice.device.type != device.type) failures.Add($"smoke: the product ran on {onDevice.device}, not on {device}");
            if (!(difference <= Tolerance)) failures.Add($"smoke: the float32 product differs from the CPU's by {difference:E2} (relative)");
        }
        json["native_libraries"] = LoadedNativeLibraries();
        foreach (string library in (List<string>)json["native_libraries"]!) Console.WriteLine($"  loaded: {library}");
        return json;
    }

    /// <summary>The torch, CUDA and bridge libraries mapped into this process, with their paths.</summary>
    private static List<string> LoadedNativeLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return File.ReadLines(maps).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 6).Select(parts => string.Join(' ', parts[5..]))
            .Where(path => NativeNames.Any(name => Path.GetFileName(path).StartsWith(name, StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
