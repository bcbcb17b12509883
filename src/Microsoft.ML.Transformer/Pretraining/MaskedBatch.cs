using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary><see cref="Rows"/> packed sequences of <see cref="Length"/> tokens, row-major: the masked inputs, and the labels
/// (the original token at the <see cref="Masked"/> chosen positions, ignored elsewhere); packed, so no position is padding.
/// <see cref="SamplingSeed"/> seeds what an objective draws for the batch (ELECTRA's replacements), drawn with its masks.</summary>
internal sealed record MaskedBatch(long[] Inputs, long[] Labels, int Rows, int Length, int Masked, long SamplingSeed)
{
    /// <summary>(inputs [rows, L], labels [rows, L]) on <paramref name="device"/>.</summary>
    public (Tensor Inputs, Tensor Labels) ToTensors(Device device)
        => (tensor(Inputs, [Rows, Length], device: device), tensor(Labels, [Rows, Length], device: device));

    public int Tokens => Rows * Length;
}
