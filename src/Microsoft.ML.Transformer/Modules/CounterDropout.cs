using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Dropout (the paper's section 5.4): in training, each element is zeroed with probability p and the rest scaled by
/// 1 / (1 − p). On the CPU the keep mask comes from a counter-based hash — element index and a per-call seed through a
/// murmur3-style mixer, a dozen vectorized int32 ops — rather than libtorch's <c>bernoulli_</c>, which draws one element
/// at a time from one generator: 1.84 ms against 0.55 ms for a [128 × 15 × 128] activation, and dropout was a fifth of a
/// small sequence-to-sequence training step (bench <c>seq2seq-profile</c>; docs/model.md). Counter-based generators are
/// what GPU dropout kernels use too (Philox). The per-call seed is drawn from torch's generator, so
/// <c>manual_seed</c> still fixes every mask. Other devices keep libtorch's own dropout kernel.
/// </summary>
internal sealed class CounterDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _p;

    public CounterDropout(double p) : base(nameof(CounterDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout must be in [0, 1).");
        _p = p;
    }

    public override Tensor forward(Tensor x) => Apply(x, _p, training);

    /// <summary>Dropout of <paramref name="x"/> with probability <paramref name="p"/> when <paramref name="training"/>,
    /// else <paramref name="x"/> itself.</summary>
    public static Tensor Apply(Tensor x, double p, bool training)
    {
        if (!training || p == 0) return x;
        // other devices have a fast kernel; int32 counters cover 2³¹ elements (an 8 GB float32 activation)
        if (x.device_type != DeviceType.CPU || x.numel() > int.MaxValue) return nn.functional.dropout(x, p, training: true);
        using var scope = NewDisposeScope();
        Tensor kept = x.mul(KeepMask(x.shape, p, NextSeed())).mul_(KeptScalars.Of(1 / (1 - p)));
        return kept.MoveToOuterDisposeScope();
    }

    /// <summary>A seed for one mask, from torch's default generator (so seeded runs repeat).</summary>
    internal static int NextSeed()
    {
        using Tensor draw = randint(int.MinValue, int.MaxValue, [1], ScalarType.Int64);
        return (int)draw.item<long>();
    }

    /// <summary>Bool [shape]: true where the element is kept, with probability 1 − <paramref name="p"/>. Element i's
    /// value is <see cref="Hash"/>(i, seed) compared with p · 2²⁴: the same function as the C# reference.</summary>
    internal static Tensor KeepMask(long[] shape, double p, int seed)
    {
        using var scope = NewDisposeScope();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var bits = new Bits();   // libtorch's bitwise ops take their second operand only as a tensor
        using Scalar seedScalar = seed;   // a new value each call: not a KeptScalars constant
        Tensor x = arange(count, dtype: ScalarType.Int32).mul_(KeptScalars.Of((long)Golden)).add_(seedScalar);
        x = bits.Mix(bits.Mix(x));
        x = x.bitwise_xor_(bits.UnsignedShift(x)).bitwise_and_(bits.Low24);
        return x.ge(KeptScalars.Of((long)Math.Round(p * (1 << 24)))).view(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The mask's hash of element <paramref name="index"/> in 24 bits, written out in C# (int32, wrapping).</summary>
    internal static int Hash(int index, int seed)
    {
        unchecked
        {
            int x = index * Golden + seed;
            for (int round = 0; round < 2; round++)
                x = (x ^ (int)((uint)x >> 16)) * Multiplier;
            return (x ^ (int)((uint)x >> 16)) & 0xFFFFFF;
        }
    }

    private const int Golden = unchecked((int)0x9E3779B9);   // odd: spreads consecutive indices over all 32 bits
    private const int Multiplier = 0x45d9f3b;                // the mixer's constant (a 32-bit integer hash's)

    /// <summary>The hash's int32 operands, made in the caller's dispose scope.</summary>
    private sealed class Bits
    {
        private readonly Tensor _sixteen = tensor(16, ScalarType.Int32), _low16 = tensor(0xFFFF, ScalarType.Int32);

        public Tensor Low24 { get; } = tensor(0xFFFFFF, ScalarType.Int32);

        /// <summary>x ← (x ^ (x >>> 16)) · Multiplier, in place.</summary>
        public Tensor Mix(Tensor x) => x.bitwise_xor_(UnsignedShift(x)).mul_(KeptScalars.Of((long)Multiplier));

        /// <summary>x >>> 16: libtorch shifts int32 arithmetically, so the mask clears the sign bits it brings in.</summary>
        public Tensor UnsignedShift(Tensor x) => x.bitwise_right_shift(_sixteen).bitwise_and_(_low16);
    }
}
