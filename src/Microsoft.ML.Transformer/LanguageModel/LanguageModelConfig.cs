using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>Everything a trained language model needs besides its weights; saved as its <c>config.json</c> (the
/// tokenizer's BPE merges, if any, go with the weights under <see cref="TokenizerPrefix"/>).</summary>
internal sealed record LanguageModelConfig : IModelConfig
{
    public const string TokenizerPrefix = "tokenizer.";

    /// <summary>The prompt column <c>Transform</c> reads (the training text column).</summary>
    public required string PromptColumnName { get; init; }

    public required string CompletionColumnName { get; init; }

    public required TransformerConfig Model { get; init; }

    public required TokenizerConfig Tokenizer { get; init; }

    public required GenerationOptions Generation { get; init; }

    /// <summary>The seed generation uses when <see cref="GenerationOptions.Seed"/> is null.</summary>
    public required int DefaultSeed { get; init; }

    public int BlockSize { get; init; } = 64;

    public IReadOnlyList<EpochSummary> History { get; init; } = [];
}
