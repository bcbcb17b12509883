namespace Microsoft.ML.Transformer;

/// <summary>How a Transformer tells positions apart (the paper's section 3.5).</summary>
public enum PositionalEncodingKind
{
    /// <summary>Fixed sinusoids as in the paper: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)) and
    /// PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)), sine and cosine interleaved. The default.</summary>
    Sinusoidal,

    /// <summary>The same sinusoids laid out as the Illustrated Transformer pictures them (tensor2tensor's
    /// <c>get_timing_signal_1d</c>): all sines in the first half of the vector, all cosines in the second.</summary>
    SinusoidalConcatenated,

    /// <summary>A trained position embedding table of <c>max_len × d_model</c> ("Transformers from scratch").</summary>
    Learned,

    /// <summary>No position information: the encoder then treats its input as a set (permutation-equivariant).</summary>
    None,
}
