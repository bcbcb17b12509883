using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Collects attention weights [batch, h, L_q, L_k], tagged with each sub-layer's (kind, layer), while attached to a
/// model: <c>using (recorder.Attach(model)) model.Forward(…);</c>. Attached attention sub-layers take the explicit path
/// (the fused one never forms the weights). It owns the tensors it holds.
/// </summary>
internal sealed class AttentionRecorder : IDisposable
{
    // Per thread, like Autocast: a model scored on another thread meanwhile neither records nor leaves the fused path.
    [ThreadStatic]
    private static Attachment? s_innermost;

    private readonly List<(AttentionKind Kind, int Layer, Tensor Weights)> _records = [];

    public IReadOnlyList<(AttentionKind Kind, int Layer, Tensor Weights)> Records => _records;

    /// <summary>Records every attention sub-layer of <paramref name="model"/> that runs on this thread until the
    /// returned scope is disposed.</summary>
    public IDisposable Attach(nn.Module model)
    {
        var attentions = model.modules().Append(model).OfType<MultiHeadAttention>().ToHashSet();
        return s_innermost = new Attachment(this, attentions, s_innermost);
    }

    /// <summary>The recorder attached to <paramref name="attention"/> on this thread (the innermost), or null.</summary>
    public static AttentionRecorder? For(MultiHeadAttention attention)
    {
        for (Attachment? a = s_innermost; a is not null; a = a.Outer)
            if (a.Attentions.Contains(attention)) return a.Recorder;
        return null;
    }

    public void Add(AttentionKind kind, int layer, Tensor weights)
        => _records.Add((kind, layer, weights.detach().DetachFromDisposeScope()));

    public Tensor Get(AttentionKind kind, int layer)
        => _records.First(r => r.Kind == kind && r.Layer == layer).Weights;

    public void Dispose()
    {
        foreach (var record in _records) record.Weights.Dispose();
        _records.Clear();
    }

    private sealed record Attachment(AttentionRecorder Recorder, HashSet<MultiHeadAttention> Attentions, Attachment? Outer) : IDisposable
    {
        public void Dispose() => s_innermost = Outer;
    }
}
