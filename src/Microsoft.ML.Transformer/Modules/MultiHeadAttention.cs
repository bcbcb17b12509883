using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// MultiHead(Q, K, V) = Concat(head_1, …, head_h) W^O, head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V).
/// The h projections W_i^Q are the column blocks of one d_model × d_model matrix W^Q (likewise W^K, W^V), so all
/// heads are computed by one batched matmul over a [batch, h, L, d_k] view — no loop over heads.
/// Self-attention passes the same tensor as query and source; encoder–decoder attention passes the decoder state as
/// query and the encoder output ("memory") as source.
/// </summary>
internal sealed class MultiHeadAttention : nn.Module
{
    // Field names are the state_dict keys: w_q.weight, w_q.bias, …
    private readonly Linear w_q, w_k, w_v, w_o;
    private readonly int _heads, _dK;
    private readonly double _attentionDropout;

    /// <summary>On the CPU, attention over at most this many keys runs written out rather than fused (a whole seq2seq
    /// training step 1.3–2× faster at lengths 8–64; the fused kernel wins from 128: the seq2seq-attention benchmark).</summary>
    internal const int ExplicitMaxKeyLength = 64;

    /// <summary>The limit in force: <see cref="ExplicitMaxKeyLength"/>, changed only by the benchmark that compares the paths.</summary>
    internal static int CpuExplicitMaxKeyLength { get; set; } = ExplicitMaxKeyLength;

    /// <param name="kind">Which of the model's attention sub-layers this is, and <paramref name="layer"/> the index of
    /// its layer in the stack: the tag of its weights in an <see cref="AttentionRecorder"/>.</param>
    public MultiHeadAttention(int dModel, int heads, AttentionKind kind, int layer, double attentionDropout = 0) : base(nameof(MultiHeadAttention))
    {
        if (dModel % heads != 0) throw new ArgumentException($"d_model ({dModel}) must be divisible by h ({heads}).", nameof(heads));
        Kind = kind;
        Layer = layer;
        _heads = heads;
        _dK = dModel / heads;
        _attentionDropout = attentionDropout;
        w_q = nn.Linear(dModel, dModel);
        w_k = nn.Linear(dModel, dModel);
        w_v = nn.Linear(dModel, dModel);
        w_o = nn.Linear(dModel, dModel);
        RegisterComponents();
    }

    public AttentionKind Kind { get; }

    public int Layer { get; }

    /// <param name="query">[batch, L_q, d_model].</param>
    /// <param name="source">[batch, L_k, d_model]: the same tensor for self-attention, the encoder output for
    /// encoder–decoder attention. Ignored when a filled cross-attention cache is given.</param>
    /// <param name="mask">Boolean, true = attend, broadcastable to [batch, h, L_q, L_k]; null for none.</param>
    /// <param name="causal">Hide later positions (decoder self-attention).</param>
    /// <param name="cache">Incremental decoding: keys/values of earlier steps (self) or of the memory (cross).</param>
    /// <returns>[batch, L_q, d_model]. With an <see cref="AttentionRecorder"/> attached, the weights
    /// [batch, h, L_q, L_k] are recorded as (<see cref="Kind"/>, <see cref="Layer"/>).</returns>
    public Tensor Forward(Tensor query, Tensor source, Tensor? mask = null, bool causal = false, AttentionCache? cache = null)
    {
        Tensor q = SplitHeads(Autocast.Project(w_q, query));
        Tensor k, v;
        if (cache is { IsCrossAttention: true, Keys: not null })
            (k, v) = (cache.Keys, cache.Values!);
        else
        {
            k = SplitHeads(Autocast.Project(w_k, source));
            v = SplitHeads(Autocast.Project(w_v, source));
            if (cache is not null) (k, v) = cache.Update(k, v);
        }

        // On the CPU, short keys take the formula written out (QKᵀ and ·V in the reduced dtype, softmax in fp32): libtorch's
        // fused kernel has a fixed cost per (row, head) block that dominates there, and its bf16 backward is slow. Longer
        // keys take the fused kernel in fp32 (docs/model.md has the measurements). GPUs keep fused bf16 (flash attention).
        AttentionRecorder? recorder = AttentionRecorder.For(this);
        bool cpu = q.device_type == DeviceType.CPU;
        bool writtenOut = recorder is not null || (cpu && k.shape[^2] <= CpuExplicitMaxKeyLength);
        if (!writtenOut && cpu && q.dtype is ScalarType.BFloat16 or ScalarType.Float16)
            (q, k, v) = (q.to(ScalarType.Float32), k.to(ScalarType.Float32), v.to(ScalarType.Float32));
        double dropout = training ? _attentionDropout : 0;
        Tensor? weights = null;
        Tensor heads = writtenOut
            ? ScaledDotProductAttention.Explicit(q, k, v, mask, causal, dropout, out weights)
            : ScaledDotProductAttention.Fused(q, k, v, mask, causal, dropout);
        if (recorder is not null) recorder.Add(Kind, Layer, weights!);
        else weights?.Dispose();
        return Autocast.Restore(Autocast.Project(w_o, MergeHeads(heads)), query);
    }

    /// <summary>[batch, L, d_model] → [batch, h, L, d_k].</summary>
    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], _heads, _dK).transpose(1, 2);

    /// <summary>[batch, h, L, d_k] → Concat(head_1, …, head_h): [batch, L, h·d_k].</summary>
    private Tensor MergeHeads(Tensor x) => x.transpose(1, 2).reshape(x.shape[0], x.shape[2], _heads * _dK);
}
