namespace Microsoft.ML.Transformer;

/// <summary>What <c>mlContext.Transforms.Text.PretrainEncoder</c> trains the encoder to do (<see cref="EncoderPretrainingOptions.Objective"/>).</summary>
public enum PretrainingObjective
{
    /// <summary>BERT's masked language modelling (Devlin et al. 2019): restore the 15 % of the tokens that were masked;
    /// the encoder learns from the masked positions only.</summary>
    MaskedLanguageModel,

    /// <summary>ELECTRA's replaced-token detection (Clark et al. 2020): a small generator (a masked language model sharing
    /// the encoder's embeddings) fills the masked positions with tokens sampled from its predictions, and the encoder —
    /// the discriminator — tells for every token whether it was replaced, so it learns from all positions. Only the
    /// discriminator is kept.</summary>
    ReplacedTokenDetection,
}
