using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>Where a module's weights live, which is where its inputs must go.</summary>
internal static class ModuleDevice
{
    /// <summary>The device of the module's parameters (all of them sit on one device: the model is moved as a whole).</summary>
    public static Device Device(this nn.Module module) => module.parameters().First().device;
}
