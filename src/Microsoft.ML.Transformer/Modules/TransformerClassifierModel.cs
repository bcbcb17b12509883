using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// An encoder-only classifier: token ids → <see cref="TransformerEncoderModel"/> → pooling → dropout → linear head.
/// With <see cref="ClassifierPooling.Pooler"/> the pooling is BERT's: tanh(W·h_[CLS] + b).
/// Binary classification uses one output (a logit for sigmoid), multiclass one logit per class (for softmax).
/// </summary>
internal sealed class TransformerClassifierModel : nn.Module
{
    private readonly TransformerEncoderModel body;
    private readonly CounterDropout dropout;
    private readonly Linear head;
    private readonly Linear? pooler;
    private readonly ClassifierPooling _pooling;

    public TransformerClassifierModel(TransformerConfig config, ClassifierPooling pooling, int outputs, long seed) : base(nameof(TransformerClassifierModel))
    {
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "A classifier needs at least one output.");
        body = new TransformerEncoderModel(config, seed);
        dropout = new CounterDropout(config.Dropout);
        head = nn.Linear(config.ModelDimension, outputs);
        // only a Pooler model has the layer, so that the other poolings' state (and saved files) are unchanged
        if (pooling == ClassifierPooling.Pooler) pooler = nn.Linear(config.ModelDimension, config.ModelDimension);
        _pooling = pooling;
        Outputs = outputs;
        RegisterComponents();
        ParameterInitialization.Initialize(head, seed + 1);   // the body initialized itself from the seed
        if (pooler is not null) ParameterInitialization.Initialize(pooler, seed + 2);
    }

    public TransformerConfig Config => body.Config;

    public int Outputs { get; }

    /// <summary>The encoder half, for reuse as features (<c>EmbedAndPositionEncode</c> with a source).</summary>
    public TransformerEncoderModel Body => body;

    /// <summary>BERT's pooler layer (state <c>weight</c>, <c>bias</c>), with <see cref="ClassifierPooling.Pooler"/> only.</summary>
    public Linear? PoolerLayer => pooler;

    /// <summary>[batch, L] int64 ids → logits [batch, outputs], float32.</summary>
    public Tensor Forward(Tensor tokenIds)
    {
        var (hidden, _) = body.Forward(tokenIds);
        Tensor pooled = pooler is null ? Pooling.Apply(_pooling, hidden, tokenIds.ne(KeptScalars.Of(Config.PaddingId)))
            : Autocast.Restore(Autocast.Project(pooler, hidden.select(1, 0)), hidden).tanh();
        return Autocast.Restore(Autocast.Project(head, dropout.forward(pooled)), pooled);
    }
}
