using System.Runtime.CompilerServices;
using Microsoft.ML.Transformer.Compute;

namespace Microsoft.ML.Transformer.Tests;

/// <summary>What the test process sets before any test runs.</summary>
internal static class ProcessSetup
{
    /// <summary>MKL takes its fast kernels on any vendor's CPU (<see cref="MklVendorCheck"/>) at the process's first
    /// matrix product. The library applies that where it starts computing, but many tests multiply tensors directly
    /// first; applying it here gives every test the kernels a user's process gets, so that scores compared with a
    /// child process (which applies it on its own) agree to the bit.</summary>
    [ModuleInitializer]
    internal static void ApplyMklVendorCheck() => MklVendorCheck.Apply();
}
