using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// The native libtorch CPU library TorchSharp loaded, for the few functions TorchSharp does not expose (flush-to-zero,
/// the OpenMP runtime it links). Looking a symbol up on its handle also searches the libraries it links, so the OpenMP
/// entry points (libgomp, or LLVM/Intel's GOMP layer) are found through it.
/// </summary>
internal static class LibTorchLibrary
{
    private static readonly string[] Names = ["libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll"];

    private static readonly Lazy<(string Name, IntPtr Handle)?> s_loaded = new(Load);

    /// <summary>The loaded library's file name and handle, or null where it is not found.</summary>
    public static (string Name, IntPtr Handle)? Loaded => s_loaded.Value;

    /// <summary>The address of <paramref name="export"/> in libtorch or a library it links, or null.</summary>
    public static IntPtr? Export(string export)
        => Loaded is { } library && NativeLibrary.TryGetExport(library.Handle, export, out IntPtr address) ? address : null;

    private static (string, IntPtr)? Load()
    {
        // TorchSharp loads libtorch here if nothing has; loading it by name again returns that copy.
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        foreach (string name in Names)
            if (NativeLibrary.TryLoad(name, typeof(TorchSharp.torch).Assembly, null, out IntPtr handle) || NativeLibrary.TryLoad(name, out handle))
                return (name, handle);
        return null;
    }
}
