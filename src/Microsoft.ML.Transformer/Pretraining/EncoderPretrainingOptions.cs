namespace Microsoft.ML.Transformer;

/// <summary>
/// Options of <c>mlContext.Transforms.Text.PretrainEncoder(...)</c>: self-supervised pretraining of a Transformer encoder
/// on unlabelled text with BERT's masked-language-model objective or ELECTRA's replaced-token detection
/// (<see cref="Objective"/>), so that a classifier fine-tuned from it starts from what the text taught it. The shape
/// defaults (<see cref="TransformerShape"/>: d_model 256, 4 heads, 4 layers, GELU, learned positions, pre-LN) are a small
/// BERT for a CPU; pre-LN because it trains from random weights without a long warmup. Training settings come from
/// <see cref="TransformerTrainingOptions"/>; this class changes <c>BatchSize</c> to 64.
/// An unset <c>LearningRate</c> is 5e-4 from random weights, and 5e-5 (the fine-tuning default) when continuing an
/// <see cref="InitialEncoder"/>; an unset <c>Epochs</c> is chosen from the data size, as for every trainer.
/// </summary>
public sealed class EncoderPretrainingOptions : TransformerTrainingOptions
{
    /// <summary>The default <see cref="SequenceLength"/>.</summary>
    public const int DefaultSequenceLength = 128;

    /// <summary>Sets the pretraining defaults of the shared training settings.</summary>
    public EncoderPretrainingOptions()
    {
        Shape = new TransformerShape
        {
            ModelDimension = 256, Heads = 4, Layers = 4, Activation = FeedForwardActivation.Gelu, Positional = PositionalEncodingKind.Learned,
            NormFirst = true,
        };
        BatchSize = 64;
    }

    /// <summary>How the text is tokenized, fitted on the training column (at most <see cref="TokenizerOptions.MaxRowsForFitting"/>
    /// rows). Default: byte-level BPE of 16,000 tokens. Its special-token, length and padding settings are ignored in
    /// pretraining (documents are packed); the fitted model tokenizes for fine-tuning with [CLS] first and at most
    /// <see cref="SequenceLength"/> tokens. Not used with a <see cref="FittedTokenizer"/> or an <see cref="InitialEncoder"/>
    /// that brings its own.</summary>
    public TokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>A tokenizer already fitted (<c>TokenizeForTransformer(...).Fit(...)</c>), used as it is: its vocabulary
    /// is the model's. With an <see cref="InitialEncoder"/> it must be the encoder's vocabulary. Default null.</summary>
    public TokenizerTransformer? FittedTokenizer { get; set; }

    /// <summary>Continue pretraining this encoder on the text (domain-adaptive pretraining) instead of starting from random
    /// weights: an imported checkpoint (<c>mlContext.Model.LoadPretrainedEncoder</c>), an encoder pretrained here, or a
    /// trained model of this library. The model takes its shape (<see cref="TransformerTrainingOptions.Shape"/> is not
    /// used) and its tokenizer when it has one; a <see cref="FittedTokenizer"/> of another vocabulary is refused. Default null.</summary>
    public ITransformerEncoderSource? InitialEncoder { get; set; }

    /// <summary>Tokens per packed sequence, [CLS] included: the encoder's max_len. Default null: 128, or the
    /// <see cref="InitialEncoder"/>'s positions when it has fewer.</summary>
    public int? SequenceLength { get; set; }

    /// <summary>The self-supervised task. Default <see cref="PretrainingObjective.MaskedLanguageModel"/> (BERT);
    /// <see cref="PretrainingObjective.ReplacedTokenDetection"/> is ELECTRA's (its settings: <see cref="GeneratorSizeFraction"/>,
    /// <see cref="DiscriminatorLossWeight"/>, <see cref="MaskProbability"/>). Either gives the same encoder type.</summary>
    public PretrainingObjective Objective { get; set; } = PretrainingObjective.MaskedLanguageModel;

    /// <summary>Share of the ordinary tokens chosen for prediction in each sequence. Default 0.15 (BERT; ELECTRA-Small
    /// uses it too).</summary>
    public double MaskProbability { get; set; } = 0.15;

    /// <summary>Share of the chosen tokens replaced by [MASK]. Default 0.8 (BERT). Masked language modelling only: replaced-token
    /// detection gives the generator every chosen token as [MASK] (ELECTRA, section 2).</summary>
    public double MaskTokenFraction { get; set; } = 0.8;

    /// <summary>Share of the chosen tokens replaced by a random ordinary token; the rest of the chosen tokens stay as they
    /// are. Default 0.1 (BERT). Masked language modelling only.</summary>
    public double RandomTokenFraction { get; set; } = 0.1;

    /// <summary>Replaced-token detection: the generator's size as a share of the encoder's (the discriminator's) — the
    /// multiplier of its d_model, d_ff and heads (each at least 1, the heads a divisor of its d_model), with as many
    /// layers. Default 0.25, ELECTRA-Small's generator; the paper found generators of 1/4 to 1/2 of the discriminator best
    /// (section 3.2, figure 3): a stronger one makes the discriminator's task too hard. Must be in (0, 1].</summary>
    public double GeneratorSizeFraction { get; set; } = 0.25;

    /// <summary>Replaced-token detection: λ, the weight of the discriminator's loss in the joint loss
    /// L_MLM(generator) + λ·L_Disc. Default 50, ELECTRA's (appendix A: the best of 1, 10, 20, 50 and 100); the
    /// discriminator's binary loss per token is far smaller than the generator's over the vocabulary. Must be positive
    /// and finite.</summary>
    public double DiscriminatorLossWeight { get; set; } = 50;

    /// <summary>Without a <see cref="TransformerTrainingOptions.ValidationSet"/>: the share of the training tokens, from the
    /// end of the text, kept back to report masked-token loss and accuracy after every epoch. Default 0.02 (at most 1,000
    /// sequences); 0 for none. Nothing is kept back when less than two sequences would remain to train on.</summary>
    public double ValidationFraction { get; set; } = 0.02;

    /// <summary>A time budget: the epoch under way ends when it is spent (checked before each batch, from the first batch),
    /// and training with it; the result is the encoder as it is then (keep-best still applies). Set <c>Epochs</c> high
    /// enough to fill the budget, and a schedule that does not depend on the run's length (<c>Constant</c> or
    /// <c>InverseSquareRoot</c>) when the budget usually ends the run. Default null: no limit.</summary>
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>A copy with its own <see cref="TransformerTrainingOptions.Shape"/>.</summary>
    public EncoderPretrainingOptions Copy() => CopyOf<EncoderPretrainingOptions>();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid pretraining setting.</summary>
    internal void ValidatePretraining()
    {
        Check(SequenceLength is null or >= 3, nameof(SequenceLength), SequenceLength, "must be at least 3 ([CLS] and two tokens)");
        Check(MaskProbability is > 0 and < 1, nameof(MaskProbability), MaskProbability, "must be in (0, 1)");
        Check(MaskTokenFraction is >= 0 and <= 1, nameof(MaskTokenFraction), MaskTokenFraction, "must be in [0, 1]");
        Check(RandomTokenFraction >= 0 && MaskTokenFraction + RandomTokenFraction <= 1, nameof(RandomTokenFraction), RandomTokenFraction,
            "must be at least 0, with MaskTokenFraction + RandomTokenFraction at most 1");
        Check(Enum.IsDefined(Objective), nameof(Objective), Objective, "must be MaskedLanguageModel or ReplacedTokenDetection");
        Check(GeneratorSizeFraction is > 0 and <= 1, nameof(GeneratorSizeFraction), GeneratorSizeFraction, "must be in (0, 1]");
        Check(DiscriminatorLossWeight > 0 && double.IsFinite(DiscriminatorLossWeight), nameof(DiscriminatorLossWeight), DiscriminatorLossWeight,
            "must be positive and finite");
        Check(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        Check(TimeLimit is null || TimeLimit > TimeSpan.Zero, nameof(TimeLimit), TimeLimit, "must be positive");
        Tokenizer.Validate();
    }

    private static void Check(bool valid, string name, object? value, string rule)
    {
        if (!valid) throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}.");
    }
}
