using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// TorchSharp's AdamW (Loshchilov and Hutter 2019) with the same state, groups and arithmetic, in the same order, whose
/// step keeps its scalars alive through the native calls. TorchSharp 0.107's own step converts every coefficient to a
/// temporary <see cref="Scalar"/> (eight per parameter per step) that a collection on another thread can finalize while
/// libtorch reads it (<see cref="KeptScalars"/> says how that fails); a freed coefficient could also be read as garbage and
/// corrupt a weight silently. Checkpoints and learning-rate changes work as for the base class. The class keeps the
/// base class's name because TorchSharp writes it into a saved optimizer state and checks it on loading: checkpoints stay
/// interchangeable with TorchSharp's AdamW (and with runs begun before this class).
/// </summary>
internal sealed class AdamW(IEnumerable<TorchSharp.Modules.AdamW.ParamGroup> groups, double lr, double beta1, double beta2, double eps,
    double weightDecay) : TorchSharp.Modules.AdamW(groups, lr, beta1, beta2, eps, weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<TorchSharp.Modules.AdamW.ParamGroup>(group =>
    {
        var options = (TorchSharp.Modules.AdamW.Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
        double weightDecay = options.weight_decay!.Value;
        if (options.amsgrad == true || options.maximize == true)
            throw new NotSupportedException("This AdamW is the plain algorithm: amsgrad and maximize are not used by the trainers.");
        using Scalar decay = 1 - lr * weightDecay, keep1 = beta1, blend1 = 1 - beta1, keep2 = beta2, blend2 = 1 - beta2, eps = options.eps!.Value;
        foreach (var parameter in group.Parameters)
        {
            Tensor? grad = parameter.grad;
            if (grad is null) continue;
            var state = (TorchSharp.Modules.AdamW.State)_state[parameter.Handle];
            state.step += 1;
            parameter.mul_(decay);
            double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(keep1).add_(grad, alpha: blend1);                            // m ← β₁m + (1 − β₁)g
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, value: blend2);               // v ← β₂v + (1 − β₂)g²
            using Scalar rootCorrection2 = Math.Sqrt(correction2), stepSize = -(lr / correction1);
            Tensor denominator = state.exp_avg_sq.sqrt().div_(rootCorrection2).add_(eps);  // √v̂ + ε
            parameter.addcdiv_(state.exp_avg, denominator, value: stepSize);                // θ ← θ − lr·m̂/(√v̂ + ε)
        }
    }, closure);
}
