using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The model FLOPs of one training step, the one count the training benchmarks use: the exact matrix-product FLOPs of
/// our modules' shapes (2 per multiply-add): every linear map (attention's four projections, the feed-forward pair, the
/// classifier head, the output projection over the vocabulary, tied or not), and attention's QKᵀ and AV over all heads,
/// dense (masked positions are computed too). The backward pass counts twice the forward (gradients of inputs and of
/// weights), so a step is 3× the forward. Not counted: embedding lookups, LayerNorm, softmax, dropout, the loss and
/// AdamW, which are memory-bound and small next to the products.
/// </summary>
internal static class ModelFlops
{
    private const double ForwardAndBackward = 3;

    /// <summary>An encoder classifier on <paramref name="rows"/> sequences of <paramref name="length"/> positions
    /// (padding included), with <paramref name="outputs"/> logits per pooled sequence.</summary>
    public static double ClassifierStep(TransformerConfig c, int rows, int length, int outputs)
        => ForwardAndBackward * rows * (Encoder(c, length) + Linear(1, c.ModelDimension, outputs));

    /// <summary>An encoder–decoder on <paramref name="rows"/> pairs: <paramref name="sourceLength"/> source positions,
    /// <paramref name="decoderLength"/> decoder positions ([BOS] + the target), projected over the target vocabulary.</summary>
    public static double Seq2SeqStep(TransformerConfig c, int rows, int sourceLength, int decoderLength)
    {
        int d = c.ModelDimension;
        double crossAttention = 2 * Linear(decoderLength, d, d) + 2 * Linear(sourceLength, d, d) + Attention(decoderLength, sourceLength, d);
        double decoder = c.DecoderLayers * (SelfAttention(decoderLength, d) + crossAttention + FeedForward(c, decoderLength));
        return ForwardAndBackward * rows * (Encoder(c, sourceLength) + decoder + Linear(decoderLength, d, c.TargetVocabularySize));
    }

    /// <summary>A decoder-only language model on <paramref name="rows"/> windows of <paramref name="context"/> tokens.</summary>
    public static double LanguageModelStep(TransformerConfig c, int rows, int context)
    {
        double layers = c.DecoderLayers * (SelfAttention(context, c.ModelDimension) + FeedForward(c, context));
        return ForwardAndBackward * rows * (layers + Linear(context, c.ModelDimension, c.TargetVocabularySize));
    }

    /// <summary>Masked-language-model pretraining on <paramref name="rows"/> sequences of <paramref name="length"/> tokens:
    /// the encoder on every position, BERT's head (a d_model × d_model transform, then the vocabulary projection) on the
    /// <paramref name="masked"/> positions only.</summary>
    public static double MaskedLanguageModelStep(TransformerConfig c, int rows, int length, int masked)
        => ForwardAndBackward * (rows * Encoder(c, length) + Linear(masked, c.ModelDimension, c.ModelDimension)
                                 + Linear(masked, c.ModelDimension, c.SourceVocabularySize));

    private static double Encoder(TransformerConfig c, int length)
        => c.EncoderLayers * (SelfAttention(length, c.ModelDimension) + FeedForward(c, length));

    /// <summary>Q, K, V and output projections, then QKᵀ and AV.</summary>
    private static double SelfAttention(int length, int d) => 4 * Linear(length, d, d) + Attention(length, length, d);

    private static double FeedForward(TransformerConfig c, int length)
        => Linear(length, c.ModelDimension, c.ResolvedFeedForwardDimension) + Linear(length, c.ResolvedFeedForwardDimension, c.ModelDimension);

    /// <summary>QKᵀ ([q × d_k]·[d_k × k] per head) and AV ([q × k]·[k × d_k]): 2 · 2 · q · k · d_model over all heads.</summary>
    private static double Attention(double queries, double keys, int d) => 4 * queries * keys * d;

    private static double Linear(double rows, int inputs, int outputs) => 2 * rows * inputs * outputs;
}
