using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>What a <see cref="PretrainedEncoderTransformer"/> saves besides its weights, as its <c>config.json</c> (the
/// tokenizer's BPE merges, if any, go with the weights under <see cref="TokenizerPrefix"/>).</summary>
internal sealed record PretrainedEncoderConfig : IModelConfig
{
    public const string TokenizerPrefix = "tokenizer.";

    /// <summary>The text column <c>Transform</c> reads (the column pretrained on).</summary>
    public required string TextColumnName { get; init; }

    /// <summary>The sentence-embedding column <c>Transform</c> writes.</summary>
    public required string FeaturesColumnName { get; init; }

    /// <summary>The encoder's shape: max_len is the sequence length pretrained on.</summary>
    public required TransformerConfig Model { get; init; }

    /// <summary>The tokenizer, with the options fine-tuning tokenizes with ([CLS] first, at most max_len tokens).</summary>
    public required TokenizerConfig Tokenizer { get; init; }

    public int BlockSize { get; init; } = 64;

    /// <summary>The fingerprint of the vocabulary the encoder's ids come from (<see cref="Tokenization.VocabularyFingerprint"/>).</summary>
    public required string VocabularyFingerprint { get; init; }

    public IReadOnlyList<EpochSummary> History { get; init; } = [];

    /// <summary>How the encoder was pretrained (masked language modelling in models saved before there was a choice).</summary>
    public PretrainingObjective Objective { get; init; } = PretrainingObjective.MaskedLanguageModel;
}
