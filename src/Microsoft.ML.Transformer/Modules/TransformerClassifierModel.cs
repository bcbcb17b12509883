using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// An encoder-only classifier: token ids → <see cref="TransformerEncoderModel"/> → pooling → dropout → linear head.
/// Binary classification uses one output (a logit for sigmoid), multiclass one logit per class (for softmax).
/// </summary>
internal sealed class TransformerClassifierModel : nn.Module
{
    private readonly TransformerEncoderModel body;
    private readonly Dropout dropout;
    private readonly Linear head;
    private readonly ClassifierPooling _pooling;

    public TransformerClassifierModel(TransformerConfig config, ClassifierPooling pooling, int outputs, long seed) : base(nameof(TransformerClassifierModel))
    {
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "A classifier needs at least one output.");
        body = new TransformerEncoderModel(config, seed);
        dropout = nn.Dropout(config.Dropout);
        head = nn.Linear(config.ModelDimension, outputs);
        _pooling = pooling;
        Outputs = outputs;
        RegisterComponents();
        ParameterInitialization.XavierUniform(head, seed + 1);   // the body initialized itself from the seed
    }

    public TransformerConfig Config => body.Config;

    public int Outputs { get; }

    /// <summary>The encoder half, for reuse as features (<c>EmbedAndPositionEncode</c> with a source).</summary>
    public TransformerEncoderModel Body => body;

    /// <summary>[batch, L] int64 ids → logits [batch, outputs], float32.</summary>
    public Tensor Forward(Tensor tokenIds)
    {
        var (hidden, _) = body.Forward(tokenIds);
        Tensor pooled = Pooling.Apply(_pooling, hidden, tokenIds.ne(Config.PaddingId));
        return Autocast.Restore(Autocast.Project(head, dropout.forward(pooled)), pooled);
    }
}
