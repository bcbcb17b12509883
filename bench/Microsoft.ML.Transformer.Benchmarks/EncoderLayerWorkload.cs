using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Inputs, layers and one-step functions of the encoder-layer benchmark. Every input is made once, outside the
/// timed steps, in each layer's own layout (ours [batch, L, d], the built-in [L, batch, d]); padding lengths are
/// drawn between L/2 and L. A step runs in its own dispose scope and returns the tokens it covered (batch × L,
/// padding included). Layers are built on first use, so a child process builds only what its variant needs.
/// </summary>
internal sealed class EncoderLayerWorkload
{
    private readonly EncoderLayerSettings _settings;
    private readonly Tensor _x, _xSeqFirst, _gradOut, _gradOutSeqFirst;   // [B, L, d], [L, B, d]
    private readonly Tensor _q, _k, _v, _gradHeads;                        // [B, h, L, d_k]
    private readonly Tensor _attend, _ignore;                              // [B, 1, 1, L] true = attend; [B, L] true = ignore
    private readonly Lazy<EncoderLayer> _oursTrain, _oursEval;
    private readonly Lazy<TransformerEncoderLayer> _builtInTrain, _builtInEval;

    public EncoderLayerWorkload(EncoderLayerSettings settings)
    {
        _settings = settings;
        var (b, l, d, h) = (settings.Batch, settings.Length, settings.Config.ModelDimension, settings.Config.Heads);
        using var generator = new Generator((ulong)settings.Seed);
        _x = randn([b, l, d], generator: generator);
        _gradOut = randn([b, l, d], generator: generator);
        _xSeqFirst = _x.transpose(0, 1).contiguous();
        _gradOutSeqFirst = _gradOut.transpose(0, 1).contiguous();
        _q = randn([b, h, l, d / h], generator: generator);
        _k = randn([b, h, l, d / h], generator: generator);
        _v = randn([b, h, l, d / h], generator: generator);
        _gradHeads = randn([b, h, l, d / h], generator: generator);

        var random = new Random((int)settings.Seed);
        Lengths = Enumerable.Range(0, b).Select(_ => random.Next(l / 2, l + 1)).ToArray();
        using (NewDisposeScope())
        {
            Tensor ids = arange(l).unsqueeze(0).lt(tensor(Lengths).unsqueeze(1)).to(ScalarType.Int64);  // 1 = token, 0 = padding
            _attend = AttentionMasks.KeyPadding(ids, paddingId: 0).MoveToOuterDisposeScope();
            _ignore = ids.eq(0).MoveToOuterDisposeScope();
        }

        _oursTrain = new(() => CreateOurs(training: true));
        _oursEval = new(() => CreateOurs(training: false));
        _builtInTrain = new(() => CreateBuiltIn(_oursTrain.Value, training: true));
        _builtInEval = new(() => CreateBuiltIn(_oursEval.Value, training: false));
    }

    /// <summary>Non-padding tokens of each sequence.</summary>
    public int[] Lengths { get; }

    public long TokensPerStep => _settings.TokensPerStep;

    /// <summary>Attention alone, forward + backward into Q, K, V, with the padding mask.</summary>
    public Func<long> AttentionStep(bool fused) => () =>
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = (Leaf(_q), Leaf(_k), Leaf(_v));
        Tensor output = Attention(fused, q, k, v);
        output.backward([_gradHeads]);
        return TokensPerStep;
    };

    /// <summary>Our layer, forward + backward (parameters and input), train mode. The explicit path is forced the
    /// only way the layer offers: an <see cref="AttentionRecorder"/> attached over the forward pass, disposed at the end
    /// of the step.</summary>
    /// <param name="precision">bf16 runs the linears and attention matmuls in bf16 (<see cref="Autocast"/>), fp32 parameters.</param>
    public Func<long> OursTrainStep(bool explicitAttention, bool masked, ScalarType? precision = null)
    {
        EncoderLayer layer = _oursTrain.Value;     // built here, outside any step's dispose scope
        Tensor? mask = masked ? _attend : null;
        return () =>
        {
            using var scope = NewDisposeScope();
            using AttentionRecorder? recorder = explicitAttention ? new AttentionRecorder() : null;
            layer.zero_grad();
            Tensor output;
            using (recorder?.Attach(layer))
            using (Autocast.Enable(precision)) output = layer.Forward(Leaf(_x), mask);
            output.backward([_gradOut]);
            return TokensPerStep;
        };
    }

    public Func<long> BuiltInTrainStep(bool masked)
    {
        TransformerEncoderLayer layer = _builtInTrain.Value;
        Tensor? ignore = masked ? _ignore : null;
        return () =>
        {
            using var scope = NewDisposeScope();
            layer.zero_grad();
            layer.call(Leaf(_xSeqFirst), null!, ignore!).backward([_gradOutSeqFirst]);
            return TokensPerStep;
        };
    }

    /// <summary>Our layer, forward only: eval mode, no_grad, fused attention.</summary>
    public Func<long> OursInferenceStep(bool masked)
    {
        EncoderLayer layer = _oursEval.Value;
        Tensor? mask = masked ? _attend : null;
        return () =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            layer.Forward(_x, mask);
            return TokensPerStep;
        };
    }

    public Func<long> BuiltInInferenceStep(bool masked)
    {
        TransformerEncoderLayer layer = _builtInEval.Value;
        Tensor? ignore = masked ? _ignore : null;
        return () =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            layer.call(_xSeqFirst, null!, ignore!);
            return TokensPerStep;
        };
    }

    /// <summary>
    /// The first step's sanity checks, as (key, what, max |difference|): explicit vs fused attention (output and the
    /// gradients of Q, K, V); our layer through the explicit vs the fused path; ours vs the built-in with the same
    /// weights, with and without the padding mask (layers in eval mode, so dropout plays no part).
    /// </summary>
    public List<(string Key, string What, double MaxAbsDiff)> Agreement()
    {
        var (ours, builtIn) = (_oursEval.Value, _builtInEval.Value);   // built outside the scope
        using var scope = NewDisposeScope();
        var checks = new List<(string, string, double)>();
        var (explicitGrads, fusedGrads) = (new List<Tensor>(), new List<Tensor>());
        Tensor explicitOutput = AttentionWithGrads(fused: false, explicitGrads);
        Tensor fusedOutput = AttentionWithGrads(fused: true, fusedGrads);
        checks.Add(("attention_output", "attention output, explicit vs fused", MaxAbsDiff(explicitOutput, fusedOutput)));
        double gradDiff = explicitGrads.Zip(fusedGrads).Max(g => MaxAbsDiff(g.First, g.Second));
        checks.Add(("attention_grads", "attention dQ, dK, dV, explicit vs fused", gradDiff));

        using var noGrad = no_grad();
        using (var recorder = new AttentionRecorder())
        {
            Tensor writtenOut;
            using (recorder.Attach(ours)) writtenOut = ours.Forward(_x, _attend);
            checks.Add(("layer_explicit_vs_fused", "layer output, explicit vs fused path", MaxAbsDiff(writtenOut, ours.Forward(_x, _attend))));
        }
        foreach (bool masked in (bool[])[true, false])
        {
            Tensor reference = builtIn.call(_xSeqFirst, null!, masked ? _ignore : null!).transpose(0, 1);
            double diff = MaxAbsDiff(ours.Forward(_x, masked ? _attend : null), reference);
            checks.Add(masked
                ? ("layer_vs_builtin", "layer output, ours vs built-in, masked", diff)
                : ("layer_vs_builtin_nomask", "layer output, ours vs built-in, no mask", diff));
        }
        return checks;
    }

    private Tensor AttentionWithGrads(bool fused, List<Tensor> grads)
    {
        var (q, k, v) = (Leaf(_q), Leaf(_k), Leaf(_v));
        Tensor output = Attention(fused, q, k, v);
        output.backward([_gradHeads]);
        grads.AddRange([q.grad!, k.grad!, v.grad!]);
        return output.detach();
    }

    private Tensor Attention(bool fused, Tensor q, Tensor k, Tensor v)
        => fused
            ? ScaledDotProductAttention.Fused(q, k, v, _attend, causal: false, dropout: 0)
            : ScaledDotProductAttention.Explicit(q, k, v, _attend, causal: false, dropout: 0, out _);

    /// <summary>A fresh leaf over the same data, so that each step's gradients die with its scope.</summary>
    private static Tensor Leaf(Tensor input) => input.detach().requires_grad_(true);

    private static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private EncoderLayer CreateOurs(bool training)
    {
        var layer = new EncoderLayer(_settings.Config, layer: 0);
        ParameterInitialization.Initialize(layer, _settings.Seed);
        layer.train(training);
        return layer;
    }

    private TransformerEncoderLayer CreateBuiltIn(EncoderLayer ours, bool training)
    {
        TransformerEncoderLayer layer = BuiltInEncoderLayer.CopyOf(ours, _settings.Config);
        layer.train(training);
        return layer;
    }
}
