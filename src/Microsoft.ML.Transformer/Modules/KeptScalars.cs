using System.Collections.Concurrent;
using TorchSharp;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Scalars that live as long as the process. TorchSharp 0.107 hands an implicitly converted <see cref="Scalar"/> (such
/// as <c>add</c>'s alpha of 1 behind <c>x + y</c>) to native code by its handle without keeping the object alive, so a
/// garbage collection on another thread can finalize it during the call; libtorch then fails with "Expected false to be
/// true … toFloat". A stress of two threads adding tiny tensors while a third collects reproduced it about once in
/// 13,000 adds; with this kept scalar, none in 35 million. Hot paths pass these instead: the named ones, <see cref="Of(long)"/>
/// and <see cref="Of(double)"/> for other constants (padding ids, √d_k), or a <c>using Scalar</c> for a value of the moment.
/// </summary>
internal static class KeptScalars
{
    /// <summary>1: the alpha of a plain tensor addition.</summary>
    public static readonly Scalar One = 1;

    /// <summary>0: the fill of an empty max-pooled row.</summary>
    public static readonly Scalar Zero = 0;

    /// <summary>−∞: the fill of masked attention scores and padded positions before a maximum.</summary>
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity;

    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();
    private static readonly ConcurrentDictionary<double, Scalar> Reals = new();

    /// <summary>An int64 scalar of <paramref name="value"/>, made once per value: only for the few constants of a
    /// model (ids, sizes), since each is kept for the life of the process.</summary>
    public static Scalar Of(long value) => Integers.GetOrAdd(value, static v => v);

    /// <summary>A float64 scalar of <paramref name="value"/>, made once per value (constants only, as <see cref="Of(long)"/>).</summary>
    public static Scalar Of(double value) => Reals.GetOrAdd(value, static v => v);
}
