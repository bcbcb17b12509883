using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>FFN(x) = max(0, x W_1 + b_1) W_2 + b_2 — the paper's equation (2), applied to each position alike;
/// d_model → d_ff → d_model. GELU may replace the ReLU.</summary>
internal sealed class PositionwiseFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Linear w_1, w_2;
    private readonly FeedForwardActivation _activation;

    public PositionwiseFeedForward(int dModel, int dFf, FeedForwardActivation activation) : base(nameof(PositionwiseFeedForward))
    {
        w_1 = nn.Linear(dModel, dFf);
        w_2 = nn.Linear(dFf, dModel);
        _activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor hidden = Autocast.Project(w_1, x);
        hidden = _activation == FeedForwardActivation.Gelu ? nn.functional.gelu(hidden) : nn.functional.relu(hidden);
        return Autocast.Restore(Autocast.Project(w_2, hidden), x);
    }
}
