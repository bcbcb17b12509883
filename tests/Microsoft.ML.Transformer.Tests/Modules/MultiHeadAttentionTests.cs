using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class MultiHeadAttentionTests
{
    [Fact]
    public void OneHeadIsTheSingleHeadFormulaWithProjections()
    {
        using var scope = NewDisposeScope();
        using var attention = new MultiHeadAttention(dModel: 6, heads: 1, AttentionKind.EncoderSelf, layer: 0);
        attention.to(ScalarType.Float64);
        ParameterInitialization.Initialize(attention, seed: 3);
        var p = attention.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Tensor x = randn([1, 4, 6], ScalarType.Float64, generator: new Generator(5));

        // By hand: Q = x W_Qᵀ + b, …; Z = softmax(QKᵀ/√6) V; out = Z W_Oᵀ + b_O.
        Tensor Project(string name, Tensor input) => input.matmul(p[$"{name}.weight"].t()) + p[$"{name}.bias"];
        Tensor q = Project("w_q", x), k = Project("w_k", x), v = Project("w_v", x);
        Tensor z = nn.functional.softmax(q.matmul(k.transpose(1, 2)) / Math.Sqrt(6), -1).matmul(v);
        Tensor expected = Project("w_o", z);

        TensorAssert.Close(expected, attention.Forward(x, x), 1e-12);
        using var recorder = new AttentionRecorder();
        using (recorder.Attach(attention)) TensorAssert.Close(expected, attention.Forward(x, x), 1e-12);
    }

    [Fact]
    public void IllustratedTransformerShapes_TwoWords512Dims8HeadsOf64()
    {
        using var scope = NewDisposeScope();
        using var attention = new MultiHeadAttention(dModel: 512, heads: 8, AttentionKind.EncoderSelf, layer: 0);
        Tensor thinkingMachines = randn(1, 2, 512);     // "Thinking Machines": 2 words × 512

        using var recorder = new AttentionRecorder();
        Tensor z;
        using (recorder.Attach(attention)) z = attention.Forward(thinkingMachines, thinkingMachines);
        Tensor weights = recorder.Get(AttentionKind.EncoderSelf, 0);

        Assert.Equal(new long[] { 1, 2, 512 }, z.shape);         // Z: 2 × 512 after W^O
        Assert.Equal(new long[] { 1, 8, 2, 2 }, weights.shape);  // 8 heads, each a 2 × 2 softmax(QKᵀ/√64)
    }

    [Fact]
    public void CrossAttentionTakesQueriesFromTheTargetAndKeysFromTheSource()
    {
        using var scope = NewDisposeScope();
        using var attention = new MultiHeadAttention(dModel: 16, heads: 4, AttentionKind.EncoderDecoder, layer: 0);
        Tensor target = randn(3, 5, 16), memory = randn(3, 9, 16);
        Tensor sourceMask = AttentionMasks.KeyPadding(tensor(new long[,] { { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 0, 0, 0, 0, 0, 0, 0 }, { 1, 1, 1, 1, 0, 0, 0, 0, 0 } }), 0);

        using var recorder = new AttentionRecorder();
        Tensor z;
        using (recorder.Attach(attention)) z = attention.Forward(target, memory, sourceMask);
        Tensor weights = recorder.Get(AttentionKind.EncoderDecoder, 0);

        Assert.Equal(new long[] { 3, 5, 16 }, z.shape);
        Assert.Equal(new long[] { 3, 4, 5, 9 }, weights.shape);
        Assert.Equal(0.0, weights[1, .., .., 2..].abs().max().item<float>());
        TensorAssert.Close(z, attention.Forward(target, memory, sourceMask), 1e-5);
    }

    [Theory]
    [InlineData(MultiHeadAttention.ExplicitMaxKeyLength)]       // written out on the CPU
    [InlineData(MultiHeadAttention.ExplicitMaxKeyLength + 1)]   // fused
    public void BothCpuPathsGiveTheFormulaWithMasksAndGradients(int length)
    {
        using var scope = NewDisposeScope();
        using var attention = new MultiHeadAttention(dModel: 16, heads: 4, AttentionKind.EncoderSelf, layer: 0);
        ParameterInitialization.Initialize(attention, seed: 7);
        var p = attention.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Tensor x = randn([2, length, 16], generator: new Generator(11));
        var ids = ones(2, length, ScalarType.Int64);
        ids[1, (length / 2)..] = tensor(0L);   // the second row is half padding
        Tensor mask = AttentionMasks.KeyPadding(ids, 0);

        // By hand, per head: softmax((QKᵀ/√d_k) masked to −∞ where not (causal and not padding)) V, then W^O.
        Tensor Project(string name, Tensor input) => input.matmul(p[$"{name}.weight"].t()) + p[$"{name}.bias"];
        Tensor Heads(Tensor t) => t.view(2, length, 4, 4).transpose(1, 2);
        Tensor scores = Heads(Project("w_q", x)).matmul(Heads(Project("w_k", x)).transpose(-2, -1)) / 2.0;
        Tensor allowed = mask.logical_and(AttentionMasks.Causal(length, length, CPU));
        Tensor z = nn.functional.softmax(scores.masked_fill(allowed.logical_not(), double.NegativeInfinity), -1).matmul(Heads(Project("w_v", x)));
        Tensor expected = Project("w_o", z.transpose(1, 2).reshape(2, length, 16));
        Tensor expectedGrad = autograd.grad([expected.square().sum()], [p["w_q.weight"]])[0];

        Tensor actual = attention.Forward(x, x, mask, causal: true);
        TensorAssert.Close(expected, actual, 1e-5);
        TensorAssert.Close(expectedGrad, autograd.grad([actual.square().sum()], [p["w_q.weight"]])[0], 1e-4);
        using (Autocast.Enable(ScalarType.BFloat16))
            TensorAssert.Close(expected, attention.Forward(x, x, mask, causal: true), 0.05);
    }

    [Fact]
    public void HeadsAreIndependentBlocksOfTheProjections()
    {
        // Zeroing head 2's block of W_V must change only head 2's slice of the concatenated heads.
        using var scope = NewDisposeScope();
        using var attention = new MultiHeadAttention(dModel: 8, heads: 4, AttentionKind.EncoderSelf, layer: 0);
        using var identity = no_grad();
        var p = attention.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        p["w_o.weight"].copy_(eye(8));
        p["w_o.bias"].zero_();
        Tensor x = randn(1, 3, 8);
        Tensor before = attention.Forward(x, x);
        p["w_v.weight"][4..6].zero_();
        p["w_v.bias"][4..6].zero_();
        Tensor after = attention.Forward(x, x);

        TensorAssert.Close(before[.., .., ..4], after[.., .., ..4], 0);
        TensorAssert.Close(before[.., .., 6..], after[.., .., 6..], 0);
        Assert.Equal(0.0, after[.., .., 4..6].abs().max().item<float>());
    }

    [Fact]
    public void ModelDimensionNotDivisibleByHeadsIsRejected()
        => Assert.Contains("divisible", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(10, 3, AttentionKind.EncoderSelf, layer: 0)).Message);
}
