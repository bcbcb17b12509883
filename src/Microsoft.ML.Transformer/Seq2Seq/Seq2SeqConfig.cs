using System.Text.Json.Serialization;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>Everything a trained sequence-to-sequence model needs besides its weights; saved as its <c>config.json</c>
/// (the target tokenizer's BPE merges, if any, go with the weights under <see cref="TargetTokenizerPrefix"/>).</summary>
internal sealed record Seq2SeqConfig : IModelConfig
{
    public const string TargetTokenizerPrefix = "target_tokenizer.";

    public required string SourceTokensColumnName { get; init; }

    /// <summary>The decoded text column written.</summary>
    public required string OutputColumnName { get; init; }

    public required string PredictedTokensColumnName { get; init; }

    public string? ScoreColumnName { get; init; }

    public required TransformerConfig Model { get; init; }

    /// <summary>The target tokenizer, which turns predicted ids back into text.</summary>
    public required TokenizerConfig TargetTokenizer { get; init; }

    public required DecodingOptions Decoding { get; init; }

    public int BlockSize { get; init; } = 256;

    /// <summary>Longest source the model reads; longer ones are cut.</summary>
    public required int SourceMaxLength { get; init; }

    /// <summary>The most tokens decoding generates before [EOS] (the decoding options' limit, or the target tokenizer's,
    /// within the position encoding's reach).</summary>
    [JsonIgnore]
    public int MaxOutputTokens => Math.Min(Decoding.MaxOutputLength ?? TargetTokenizer.Options.MaxLength, Model.MaxLength - 1);

    public IReadOnlyList<EpochSummary> History { get; init; } = [];
}
